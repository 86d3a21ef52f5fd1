"""Catalog template helpers: `{{ line.quantity|with_unit:line.unit }}` → "2 pieces" / "2 adet";
`{% availability_badge product quantity %}` → the one availability badge (catalog.availability)."""
from django import template

from catalog.availability import availability
from catalog.permissions import stock_display_for
from catalog.units import quantity_with_unit
from catalog.units import unit_name as _unit_name
from catalog.units import unit_word as _unit_word

register = template.Library()


@register.filter
def with_unit(quantity, unit):
    if quantity is None or quantity == "":
        return ""
    return quantity_with_unit(quantity, unit)


@register.filter
def unit_name(unit):
    """`{{ product.unit|unit_name }}` → "metre" / "metre" (tr): the unit's name alone, for "per metre"."""
    return _unit_name(unit)


def display_for(context) -> str | None:
    """How the reader of the page sees stock (catalog.permissions.stock_display_for)."""
    return stock_display_for(getattr(context.get("request"), "user", None))


@register.simple_tag(takes_context=True)
def product_availability(context, product, quantity=None):
    """`{% product_availability product line.quantity as av %}`: the Availability for the reader of the page."""
    return availability(product, quantity, display=display_for(context))


@register.inclusion_tag("catalog/_availability.html", takes_context=True)
def availability_badge(context, product, quantity=None, with_detail=False):
    """The badge (and, for a quantity, what can be delivered) rendered by catalog/_availability.html."""
    return {"av": availability(product, quantity, display=display_for(context)), "with_detail": with_detail}


@register.filter
def unit_word(quantity, unit):
    """The unit alone, in the form that follows `quantity`: `<input value="2"> {{ 2|unit_word:"piece" }}` → pieces."""
    return _unit_word(quantity, unit)
