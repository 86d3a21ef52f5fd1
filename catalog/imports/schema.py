"""Column definitions of the four import kinds and the parsing of one text cell into a typed value."""
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Unit

CATEGORIES, PRODUCTS, PRICES, STOCK = "categories", "products", "prices", "stock"
KIND_CHOICES = [
    (CATEGORIES, gettext_lazy("Categories")),
    (PRODUCTS, gettext_lazy("Products")),
    (PRICES, gettext_lazy("Prices")),
    (STOCK, gettext_lazy("Stock")),
]

TRUE_WORDS = {"1", "true", "yes", "y", "evet", "e", "x"}
FALSE_WORDS = {"0", "false", "no", "n", "hayır", "hayir", "h"}
# One optional sign, digits, at most one decimal separator (comma or point). No thousands separators, no exponent.
_DECIMAL_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_INT_RE = re.compile(r"^[+-]?\d+$")
_STEPS = {n: Decimal(1).scaleb(-n) for n in range(0, 7)}


class CellError(ValueError):
    """A cell that cannot be read; the message is translated and shown to the user."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text | decimal | int | bool | unit | ean13
    required: bool = False
    max_length: int | None = None
    max_digits: int | None = None
    places: int | None = None
    min_value: Decimal | None = None
    min_exclusive: bool = False
    max_value: Decimal | None = None
    default: object = None
    example: str = ""
    # An empty cell counts as the column left out (the stored value stays; a new row gets the default) instead
    # of setting the default: for data an ERP may not have for every row (a product's weight).
    empty_keeps: bool = False


def ean13_valid(code) -> bool:
    """True for 13 digits whose last is the EAN-13 check digit of the first twelve."""
    code = str(code or "")
    if len(code) != 13 or not code.isascii() or not code.isdigit():
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(code[:12]))
    return (10 - total % 10) % 10 == int(code[12])


def parse_decimal(text: str) -> Decimal:
    """'12,50' and '12.50' both read 12.50; anything else (1.234,50, 1e3, 12 TL) is refused."""
    if not _DECIMAL_RE.match(text):
        raise CellError(_("“%(value)s” is not a number; write it like 12.50 or 12,50.") % {"value": text})
    return Decimal(text.replace(",", "."))


def _check_range(col: Column, value):
    if col.min_value is not None:
        if col.min_exclusive and value <= col.min_value:
            raise CellError(_("Must be greater than %(min)s.") % {"min": col.min_value})
        if not col.min_exclusive and value < col.min_value:
            if col.min_value == 0:
                raise CellError(_("Must not be negative."))
            raise CellError(_("Must be at least %(min)s.") % {"min": col.min_value})
    if col.max_value is not None and value > col.max_value:
        raise CellError(_("Must be at most %(max)s.") % {"max": col.max_value})


def parse_cell(col: Column, text: str):
    """Parse one stripped cell. An empty cell gives the column's default (or an error when required)."""
    if text == "":
        if col.required:
            raise CellError(_("This column is required."))
        return col.default
    kind = col.type
    if kind == "text":
        if col.max_length and len(text) > col.max_length:
            raise CellError(_("At most %(n)d characters (this has %(len)d).") % {"n": col.max_length, "len": len(text)})
        return text
    if kind == "decimal":
        value = parse_decimal(text)
        if col.places is not None:
            try:
                quantized = value.quantize(_STEPS[col.places])
            except InvalidOperation:  # more digits than the decimal context holds
                raise CellError(_("The number is too large."))
            if quantized != value:
                raise CellError(_("At most %(n)d decimal places.") % {"n": col.places})
            value = quantized
        if col.max_digits is not None and abs(value) >= Decimal(10) ** (col.max_digits - (col.places or 0)):
            raise CellError(_("The number is too large."))
        _check_range(col, value)
        return value
    if kind == "int":
        if not _INT_RE.match(text):
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": text})
        value = int(text)
        _check_range(col, value)
        return value
    if kind == "bool":
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(_("“%(value)s” is not yes/no; write 1 or 0, true or false.") % {"value": text})
    if kind == "unit":
        word = text.lower()
        if word not in Unit.values:
            raise CellError(_("Unknown unit “%(value)s”; use one of: %(units)s.")
                            % {"value": text, "units": ", ".join(Unit.values)})
        return word
    if kind == "ean13":
        if not ean13_valid(text):
            raise CellError(_("“%(value)s” is not a valid EAN-13 barcode (13 digits with a correct check digit).")
                            % {"value": text})
        return text
    raise AssertionError(kind)


ZERO = Decimal(0)

COLUMNS: dict[str, list[Column]] = {
    CATEGORIES: [
        Column("code", "text", required=True, max_length=50, example="LIGHT-LED"),
        Column("name", "text", required=True, max_length=150, example="LED lamps"),
        Column("parent_code", "text", max_length=50, default="", example="LIGHT"),
    ],
    PRODUCTS: [
        Column("sku", "text", required=True, max_length=64, example="LED-9W-E27"),
        Column("name", "text", required=True, max_length=255, example="LED bulb 9 W E27"),
        Column("category_code", "text", required=True, max_length=50, example="LIGHT-LED"),
        Column("unit", "unit", default=Unit.PIECE.value, example="piece"),
        Column("pack_size", "decimal", max_digits=12, places=3, min_value=ZERO, min_exclusive=True,
               default=Decimal("1.000"), example="10"),
        Column("min_order_quantity", "decimal", max_digits=12, places=3, min_value=ZERO, min_exclusive=True,
               default=Decimal("1.000"), example="1"),
        Column("order_multiple", "decimal", max_digits=12, places=3, min_value=ZERO, min_exclusive=True,
               default=Decimal("1.000"), example="1"),
        Column("barcode", "ean13", default="", example="8690000000011"),
        Column("manufacturer_code", "text", max_length=64, default="", example="PH-929002"),
        Column("erp_code", "text", max_length=64, default="", example="100234"),
        Column("vat_rate", "decimal", max_digits=5, places=2, min_value=ZERO, max_value=Decimal(100),
               default=Decimal("20.00"), example="20"),
        Column("short_description", "text", max_length=500, default="", example="Warm white, 806 lm"),
        Column("description", "text", default="", example="<p>Long life LED bulb.</p>"),
        Column("active", "bool", default=True, example="1"),
        Column("lead_time_days", "int", min_value=0, max_value=32767, default=0, example="3"),
        Column("allow_backorder", "bool", default=False, example="0"),
        # Shipping (issue 14): the gross weight of one unit of sale, and the handling flags.
        Column("weight_kg", "decimal", max_digits=10, places=3, min_value=ZERO, default=None, example="1,25",
               empty_keeps=True),
        Column("fragile", "bool", default=False, example="0"),
        Column("hazardous", "bool", default=False, example="0"),
    ],
    PRICES: [
        Column("price_list_code", "text", required=True, max_length=50, example="LIST-TRY"),
        Column("sku", "text", required=True, max_length=64, example="LED-9W-E27"),
        Column("min_quantity", "decimal", max_digits=12, places=3, min_value=ZERO, default=Decimal("1.000"),
               example="1"),
        Column("unit_price", "decimal", required=True, max_digits=14, places=2, min_value=ZERO, example="45,90"),
    ],
    STOCK: [
        Column("sku", "text", required=True, max_length=64, example="LED-9W-E27"),
        Column("stock_quantity", "decimal", required=True, max_digits=14, places=3, min_value=ZERO, example="120"),
        Column("lead_time_days", "int", min_value=0, max_value=32767, default=0, example="5"),
    ],
}
COLUMN_BY_NAME = {kind: {c.name: c for c in cols} for kind, cols in COLUMNS.items()}
KINDS = list(COLUMNS)
