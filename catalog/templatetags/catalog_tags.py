"""Catalog template helpers: `{{ line.quantity|with_unit:line.unit }}` → "2 pieces" / "2 adet"."""
from django import template

from catalog.units import quantity_with_unit

register = template.Library()


@register.filter
def with_unit(quantity, unit):
    if quantity is None or quantity == "":
        return ""
    return quantity_with_unit(quantity, unit)
