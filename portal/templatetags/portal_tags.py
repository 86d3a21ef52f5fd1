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


@register.filter
def qty(value):
    """A quantity as a form value: `10`, `2.5`, `0.335` (never `1E+1`, never a locale's decimal comma)."""
    if value is None or value == "":
        return ""
    try:
        return f"{value.normalize():f}"
    except AttributeError:
        return str(value)

