"""Reads of pricing shared by pages and API."""
from decimal import Decimal

from django.utils.translation import gettext as _

from catalog import skus as sku_lines
from catalog.errors import unknown_skus
from dealers.models import Dealer

from .engine import price_lines, summarize
from .errors import InvalidQuantity


def parse_sku_lines(*, text: str) -> list[tuple[str, Decimal]]:
    """`SKU quantity` one per line (quantity defaults to 1) → [(sku, quantity)], read by the one SKU-line parser
    (catalog.skus: tab, space, comma or semicolon between SKU and quantity, `,` as decimal mark where unambiguous).

    Raises InvalidQuantity naming the line for the first bad line; blank and `#` comment lines are skipped.
    """
    parsed = []
    for line in sku_lines.parse_lines(text):
        if line.error is not None:
            if type(line.error) is sku_lines.BadLine:  # not "SKU quantity" at all
                raise InvalidQuantity(_("Line %(line)s: write “SKU quantity”, e.g. “ABC-1 10”.") % {
                    "line": line.number}, field="lines")
            raise InvalidQuantity(_("Line %(line)s (%(sku)s): %(error)s") % {
                "line": line.number, "sku": line.sku, "error": line.error.message}, field="lines")
        parsed.append((line.sku, line.quantity if line.quantity is not None else Decimal(1)))
    return parsed


def get_products_by_sku(*, skus) -> dict:
    """{sku: product id} of these SKUs (case-insensitive match to the stored SKU, catalog.skus); raises the
    catalog's UnknownSku (catalog.unknown_sku)."""
    found = sku_lines.find_products(skus, fields=["pk", "sku"])
    missing = [sku for sku in skus if sku.upper() not in found]
    if missing:
        raise unknown_skus(missing)
    return {sku: found[sku.upper()].pk for sku in skus}


def get_price_preview(*, dealer: Dealer | None, text: str, on=None, payment_method=None, installments=1):
    """What `dealer` would pay for the `SKU quantity` lines of `text`: (priced lines, totals).

    Raises a DomainError (unknown SKU, bad quantity, bad payment method) with a message for the user.
    """
    parsed = parse_sku_lines(text=text)
    if not parsed:
        raise InvalidQuantity(_("Enter at least one line “SKU quantity”."), field="lines")
    ids = get_products_by_sku(skus=[sku for sku, _q in parsed])
    lines = price_lines(dealer=dealer, lines=[(ids[sku], quantity) for sku, quantity in parsed], on=on,
                        payment_method=payment_method or None, installments=installments)
    return lines, summarize(lines)
