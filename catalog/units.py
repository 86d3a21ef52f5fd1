"""Quantities with their unit in the reader's language: units are stored as codes, worded here with plural forms."""
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import get_language, npgettext

from .models import UNIT_LABELS, Unit


def _pattern(unit, count):
    # One npgettext call per unit so makemessages sees every form; the context keeps "set" (unit) apart from
    # "set" (verb) and "box" (unit) apart from a form's box.
    if unit == Unit.PIECE:
        return npgettext("unit", "%(n)s piece", "%(n)s pieces", count)
    if unit == Unit.BOX:
        return npgettext("unit", "%(n)s box", "%(n)s boxes", count)
    if unit == Unit.PACK:
        return npgettext("unit", "%(n)s pack", "%(n)s packs", count)
    if unit == Unit.SET:
        return npgettext("unit", "%(n)s set", "%(n)s sets", count)
    if unit == Unit.LITRE:
        return npgettext("unit", "%(n)s litre", "%(n)s litres", count)
    if unit == Unit.KG:
        return npgettext("unit", "%(n)s kg", "%(n)s kg", count)
    if unit == Unit.METRE:
        return npgettext("unit", "%(n)s metre", "%(n)s metres", count)
    if unit == Unit.SQUARE_METRE:
        return npgettext("unit", "%(n)s square metre", "%(n)s square metres", count)
    return None


# The translated patterns by (language, unit, 1 or 2): a catalog page words a unit for every card, and each
# npgettext call walks the translation machinery. Bounded: languages × units × 2 (unknown codes are not kept).
_PATTERNS = {}


def _forms(unit, count, n):
    key = (get_language(), unit, count)
    pattern = _PATTERNS.get(key)
    if pattern is None:
        pattern = _pattern(unit, count)
        if pattern is None:
            return None
        if unit in Unit.values:
            _PATTERNS[key] = pattern
    return pattern % {"n": n}


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


# What the portal once stored as an order's or an invoice's unit: the unit's name in the language active at the time
# (en, tr, bg, vi, zh-hans), frozen here so data migrations can turn such text back into a code.
STORED_LABELS = {
    Unit.PIECE: ("piece", "pieces", "pcs", "pc", "adet", "брой", "броя", "бр.", "cái", "件"),
    Unit.BOX: ("box", "boxes", "kutu", "кутия", "кутии", "hộp", "盒", "箱"),
    Unit.PACK: ("pack", "packs", "paket", "пакет", "gói", "包"),
    Unit.SET: ("set", "sets", "takım", "комплект", "bộ", "套"),
    Unit.LITRE: ("litre", "litres", "liter", "l", "lt", "litr", "литър", "lít", "升"),
    Unit.KG: ("kg", "kilogram", "kilogramme", "кг", "公斤", "千克"),
    Unit.METRE: ("metre", "metres", "meter", "m", "метър", "mét", "米"),
    Unit.SQUARE_METRE: ("m2", "m²", "square metre", "square metres", "metrekare", "квадратен метър", "mét vuông",
                        "平方米"),
}
_CODE_OF_LABEL = {label.casefold(): str(code) for code, labels in STORED_LABELS.items() for label in labels}


def unit_code(text) -> str | None:
    """The unit code of a stored code or label ("adet" → "piece", "metre" → "metre"); None when it is unknown."""
    key = str(text or "").strip().casefold()
    if key in Unit.values:
        return key
    return _CODE_OF_LABEL.get(key)


def unit_word(quantity, unit) -> str:
    """The unit's word as it reads after this quantity ("pieces" after 2, "piece" after 1), for a quantity typed in a
    field just before it."""
    try:
        count = 1 if Decimal(quantity) == 1 else 2
    except (InvalidOperation, TypeError, ValueError):
        count = 2
    text = _forms(unit, count, "")
    return text.strip() if text is not None else unit_name(unit)
