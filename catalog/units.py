"""Quantities with their unit in the reader's language: units are stored as codes, worded here with plural forms."""
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import npgettext

from .models import UNIT_LABELS, Unit


def _forms(unit, count, n):
    # One npgettext call per unit so makemessages sees every form; the context keeps "set" (unit) apart from
    # "set" (verb) and "box" (unit) apart from a form's box.
    if unit == Unit.PIECE:
        return npgettext("unit", "%(n)s piece", "%(n)s pieces", count) % {"n": n}
    if unit == Unit.BOX:
        return npgettext("unit", "%(n)s box", "%(n)s boxes", count) % {"n": n}
    if unit == Unit.PACK:
        return npgettext("unit", "%(n)s pack", "%(n)s packs", count) % {"n": n}
    if unit == Unit.SET:
        return npgettext("unit", "%(n)s set", "%(n)s sets", count) % {"n": n}
    if unit == Unit.LITRE:
        return npgettext("unit", "%(n)s litre", "%(n)s litres", count) % {"n": n}
    if unit == Unit.KG:
        return npgettext("unit", "%(n)s kg", "%(n)s kg", count) % {"n": n}
    if unit == Unit.METRE:
        return npgettext("unit", "%(n)s metre", "%(n)s metres", count) % {"n": n}
    if unit == Unit.SQUARE_METRE:
        return npgettext("unit", "%(n)s square metre", "%(n)s square metres", count) % {"n": n}
    return None


def format_quantity(quantity) -> str:
    """`10`, `2.5` (`2,5` in Turkish): never `1E+1`, never trailing zeros."""
    try:
        value = Decimal(quantity)
    except (InvalidOperation, TypeError, ValueError):
        return str(quantity)
    value = value.normalize()
    text = f"{value:f}"
    return number_format(Decimal(text), decimal_pos=None)


def quantity_with_unit(quantity, unit) -> str:
    """"1 piece", "2 pieces", "2.5 metres", "2 adet": the unit code (or an old stored label) in the active language."""
    shown = format_quantity(quantity)
    try:
        count = 1 if Decimal(quantity) == 1 else 2  # a fraction reads as a plural ("1.5 metres")
    except (InvalidOperation, TypeError, ValueError):
        count = 2
    text = _forms(unit, count, shown)
    if text is None:  # an unknown code: show it as it is rather than nothing
        return f"{shown} {UNIT_LABELS.get(unit, unit or '')}".strip()
    return text


def unit_name(unit) -> str:
    """The unit's name alone ("metre"), for column headers and "per metre"."""
    return str(UNIT_LABELS.get(unit, unit or ""))
