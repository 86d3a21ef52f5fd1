"""SKU lines as people type, paste or upload them ("ABC-1 10"), and products found by SKU whatever its case: the one
parser that quick order, saved lists and pricing's "price as dealer" share.

How a pasted line is read (`parse_lines`):

- Blank lines and lines starting with `#` are skipped. A first line that names the columns ("SKU  Quantity") is
  skipped too.
- A line holding a tab or a semicolon is split there, and only there: `ABC-1<tab>2,5` and `ABC-1;2,5` are 2.5.
- Otherwise a line holding spaces is split at the spaces; a comma touching a space also separates
  (`ABC-1, 5` is 5), and a comma between digits is the decimal mark: `ABC-1 2,5` is 2.5.
- Otherwise the comma separates: `ABC-1,5` is 5. Then the quantity must use a decimal point (`ABC-1,2.5`), because
  `ABC-1,2,5` could be read two ways: it is reported, never guessed.
- The quantity may be left out (`ABC-1`): the caller decides the default (quick order: the product's minimum).
- The quantity is a plain positive number with `.` or `,` as decimal mark; no thousands separators, no exponent.
- More than two fields on a line is an error (a spreadsheet row is read by its columns instead, see `parse_rows`).

Rows of a CSV or XLSX file (`parse_rows`) are already split into cells: column A is the SKU and column B the
quantity, or the columns named SKU and Quantity by a header row; a cell's decimal comma is always a decimal mark.

Problems are per line (`SkuLine.error`, a DomainError with a code) so a caller can report every bad line at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from portal.errors import DomainError

from .errors import AmbiguousComma, BadLine, InvalidQuantity, TooManyLines, UnknownSku  # noqa: F401  (their old home)
from .models import Product

_SPLIT_TAB_SEMICOLON = re.compile(r"[\t;]")
# A comma touching whitespace on either side, or whitespace alone.
_SPLIT_SPACES = re.compile(r"\s*,\s+|\s+,\s*|\s+")
_NUMBER = re.compile(r"^(\d+(?:[.,]\d*)?|[.,]\d+)$")
_NEGATIVE = re.compile(r"^-\s*(\d+(?:[.,]\d*)?|[.,]\d+)$")

# Header cells recognised in every language (the active language's "SKU" and "Quantity" are added at run time).
SKU_HEADERS = {"sku", "code", "product code", "stock code", "item", "stok kodu", "ürün kodu"}
QUANTITY_HEADERS = {"quantity", "qty", "amount", "miktar", "adet"}


@dataclass(frozen=True)
class SkuLine:
    """One line as a person sees it: its number (from 1, a spreadsheet's row number for files), the text typed, the
    SKU and the quantity (None when left out). `error` is set when the line cannot be read."""

    number: int
    text: str
    sku: str = ""
    quantity: Decimal | None = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# --- reading ---------------------------------------------------------------------------------------------------

def parse_quantity(text: str, *, decimal_comma: bool = True) -> Decimal:
    """A positive quantity from what a person typed: `10`, `2.5`, `2,5` (when `decimal_comma`). Raises
    InvalidQuantity (catalog.invalid_quantity) with a message naming the value."""
    value = (text or "").strip()
    if _NEGATIVE.match(value):
        raise InvalidQuantity(_("The quantity must be more than zero: %(value)s") % {"value": value},
                              field="quantity")
    if not _NUMBER.match(value) or ("," in value and not decimal_comma):
        raise InvalidQuantity(_("Not a quantity: %(value)s") % {"value": value}, field="quantity")
    try:
        quantity = Decimal(value.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        raise InvalidQuantity(_("Not a quantity: %(value)s") % {"value": value}, field="quantity") from None
    if quantity <= 0:
        raise InvalidQuantity(_("The quantity must be more than zero: %(value)s") % {"value": value},
                              field="quantity")
    return quantity


def split_line(text: str) -> tuple[list[str], bool]:
    """The fields of one pasted line and whether a comma in them is a decimal mark (see the module's rules)."""
    line = text.strip()
    if _SPLIT_TAB_SEMICOLON.search(line):
        return [f.strip() for f in _SPLIT_TAB_SEMICOLON.split(line) if f.strip()], True
    if re.search(r"\s", line):
        return [f for f in _SPLIT_SPACES.split(line) if f], True
    return [f.strip() for f in line.split(",") if f.strip()], False


def _headers():
    return ({h.lower() for h in SKU_HEADERS} | {str(_("SKU")).lower()},
            {h.lower() for h in QUANTITY_HEADERS} | {str(_("Quantity")).lower()})


def _is_header(cells) -> bool:
    """A pasted first line "SKU  Quantity" (copied with a spreadsheet's header row)."""
    sku_names, quantity_names = _headers()
    names = [str(c).strip().lower() for c in cells if str(c).strip()]
    return len(names) == 2 and names[0] in sku_names and names[1] in quantity_names


def _line(number, text, fields, *, decimal_comma, comma_separated=False) -> SkuLine:
    if len(fields) > 2:
        if comma_separated and len(fields) == 3 and fields[1].isdigit() and fields[2].isdigit():
            message = _("A comma separates SKU and quantity here, so write the decimal with a point (%(example)s) "
                        "or separate with a tab, a space or a semicolon.") % {
                "example": f"{fields[1]}.{fields[2]}"}
            return SkuLine(number, text, sku=fields[0], error=AmbiguousComma(message, field="lines"))
        message = _("Write “SKU quantity”, e.g. “ABC-1 10”.")
        return SkuLine(number, text, sku=fields[0], error=BadLine(message, field="lines"))
    sku = fields[0]
    if len(fields) == 1:
        return SkuLine(number, text, sku=sku)
    try:
        quantity = parse_quantity(fields[1], decimal_comma=decimal_comma)
    except InvalidQuantity as exc:
        return SkuLine(number, text, sku=sku, error=exc)
    return SkuLine(number, text, sku=sku, quantity=quantity)


def parse_lines(text: str, *, max_lines: int | None = None) -> list[SkuLine]:
    """Every non-blank, non-comment line of pasted text as a SkuLine (see the module's rules), in order.

    With `max_lines`, raises BadLine when there are more lines than that (nothing is read).
    """
    lines = []
    first = True
    for number, raw in enumerate((text or "").splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields, decimal_comma = split_line(stripped)
        if first:
            first = False
            if _is_header(fields):
                continue
        lines.append(_line(number, stripped, fields, decimal_comma=decimal_comma,
                           comma_separated=not decimal_comma))
        if max_lines is not None and len(lines) > max_lines:
            raise too_many_lines(max_lines)
    return lines


def parse_rows(rows, *, max_lines: int | None = None) -> list[SkuLine]:
    """Rows of a spreadsheet, `[(row_number, [cell text, …]), …]`, as SkuLines. Column A is the SKU and B the
    quantity unless the first row names the columns (any order; other named columns are ignored)."""
    lines = []
    sku_col, qty_col, width = 0, 1, 2
    sku_names, quantity_names = _headers()
    first = True
    for number, cells in rows:
        cells = [str(c).strip() for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if first:
            first = False
            names = [c.lower() for c in cells]
            if any(n in sku_names for n in names) and any(n in quantity_names for n in names):
                sku_col = next(i for i, n in enumerate(names) if n in sku_names)
                qty_col = next(i for i, n in enumerate(names) if n in quantity_names)
                width = len(cells)
                continue
        text = "\t".join(cells)
        if len(cells) > width:  # more cells than columns: "ABC,2,5" split by a comma delimiter must not become 2
            lines.append(SkuLine(number, text, sku=cells[sku_col] if sku_col < len(cells) else "",
                                 error=BadLine(_("Write “SKU quantity”, e.g. “ABC-1 10”."), field="lines")))
        else:
            sku = cells[sku_col] if sku_col < len(cells) else ""
            quantity = cells[qty_col] if qty_col < len(cells) else ""
            if not sku:
                lines.append(SkuLine(number, text, error=BadLine(_("The SKU is missing."), field="lines")))
            else:
                # Given back as "SKU<tab>quantity": a line a person can correct and paste again.
                fields = [sku, quantity] if quantity else [sku]
                lines.append(_line(number, "\t".join(fields), fields, decimal_comma=True))
        if max_lines is not None and len(lines) > max_lines:
            raise too_many_lines(max_lines)
    return lines


def too_many_lines(max_lines) -> BadLine:
    return TooManyLines(_("At most %(count)s lines at once, please.") % {"count": max_lines}, field="lines")


# --- finding products -------------------------------------------------------------------------------------------

def find_products(skus, *, fields=None) -> dict[str, Product]:
    """{SKU in upper case: product} of the products whose SKU matches one of `skus` whatever its case, in one query
    (UPPER(sku) = ANY(…)). When two SKUs differ only in case, the one spelt exactly as asked wins.
    `fields` limits the columns read (`only`)."""
    wanted = {str(sku).strip().upper() for sku in skus if str(sku).strip()}
    if not wanted:
        return {}
    exact = {str(sku).strip() for sku in skus}
    qs = Product.objects.annotate(sku_upper=Upper("sku")).filter(sku_upper__in=wanted).order_by("pk")
    if fields:
        qs = qs.only(*fields)
    found: dict[str, Product] = {}
    for product in qs:
        key = product.sku.upper()
        if key not in found or product.sku in exact:
            found[key] = product
    return found


def example_lines(skus, *, separators=(" ", ";", "\t")) -> str:
    """Example lines for a form's placeholder, naming real SKUs (catalog.selectors.list_example_skus) in each
    accepted form; without any, the parts of a line: an invented SKU sends a dealer looking for a product nobody
    sells."""
    if not skus:
        return _("SKU quantity")
    return "\n".join(f"{sku}{sep}{qty}" for sku, sep, qty in zip(skus, separators * 3, ("10", "5", "2"), strict=False))
