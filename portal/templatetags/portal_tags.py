"""Small template helpers shared by every app."""
from django import template

from portal.money import format_money

register = template.Library()


@register.filter
def get_field(form, name):
    """`form|get_field:"name"`: a bound field by a name held in a variable."""
    return form[name]


@register.filter
def money(amount, currency="TRY"):
    return format_money(amount, currency) if amount is not None else "—"
