"""Reads of pricing shared by pages and API."""
from decimal import Decimal

from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from catalog.models import Product
from dealers.models import Dealer

from .engine import price_lines, summarize, to_quantity
from .errors import InvalidQuantity, UnknownProduct
from .models import Campaign, PriceList


def list_price_lists(*, on=None):
    qs = PriceList.objects.select_related("segment", "dealer")
    return qs.valid_on(on) if on else qs


def list_running_campaigns(*, on):
    return Campaign.objects.running_on(on).prefetch_related("products", "categories", "segments", "dealers")


def parse_sku_lines(text: str) -> list[tuple[str, Decimal]]:
    """`SKU quantity` one per line (quantity defaults to 1; `,` accepted as decimal mark) → [(sku, quantity)].

    Raises InvalidQuantity naming the line for a bad quantity; blank lines are skipped.
    """
    parsed = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        parts = raw.replace("\t", " ").split()
        if not parts:
            continue
        if len(parts) > 2:
            raise InvalidQuantity(_("Line %(line)s: write “SKU quantity”, e.g. “ABC-1 10”.") % {"line": number},
                                  field="lines")
        sku, quantity = parts[0], parts[1] if len(parts) == 2 else "1"
        try:
            parsed.append((sku, to_quantity(quantity.replace(",", "."))))
        except InvalidQuantity as exc:
            raise InvalidQuantity(_("Line %(line)s (%(sku)s): %(error)s") % {
                "line": number, "sku": sku, "error": exc.message}, field="lines") from exc
    return parsed


def get_products_by_sku(skus) -> dict:
    """{sku: product id} of these SKUs (case-insensitive match to the stored SKU); raises UnknownProduct."""
    wanted = {sku.upper() for sku in skus}
    found = {}
    rows = Product.objects.annotate(sku_upper=Upper("sku")).filter(sku_upper__in=wanted)  # an index serves it
    for pk, sku in rows.values_list("pk", "sku"):
        found[sku.upper()] = pk
    missing = [sku for sku in skus if sku.upper() not in found]
    if missing:
        raise UnknownProduct(_("Unknown SKU: %(skus)s") % {"skus": ", ".join(dict.fromkeys(missing))},
                             field="lines")
    return {sku: found[sku.upper()] for sku in skus}


def get_price_preview(*, dealer: Dealer | None, text: str, on=None, payment_method=None, installments=1):
    """What `dealer` would pay for the `SKU quantity` lines of `text`: (priced lines, totals).

    Raises a PricingError (unknown SKU, bad quantity, bad payment method) with a message for the user.
    """
    parsed = parse_sku_lines(text)
    if not parsed:
        raise InvalidQuantity(_("Enter at least one line “SKU quantity”."), field="lines")
    ids = get_products_by_sku([sku for sku, _q in parsed])
    lines = price_lines(dealer=dealer, lines=[(ids[sku], quantity) for sku, quantity in parsed], on=on,
                        payment_method=payment_method or None, installments=installments)
    return lines, summarize(lines)
