"""A quote's figures and the frozen snapshot of a revision: net unit price per line (negotiated, or the list price less
the discount), line net rounded once half-up, VAT per line at the product's rate, totals as sums of rounded lines
(never re-rounded) — the same rounding rule as the price engine (portal.money)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.money import quantize, vat_amount

from ..engine import format_quantity

ZERO = Decimal("0.00")
# 2: the revision carries its delivery method's charge (`shipping`), and the totals include it.
SNAPSHOT_VERSION = 2


@dataclass(frozen=True)
class LineFigures:
    line: object  # the QuoteLine
    list_price: Decimal | None
    discount_percent: Decimal | None
    net_unit_price: Decimal | None
    line_net: Decimal | None
    vat_rate: Decimal
    vat: Decimal | None

    @property
    def priced(self) -> bool:
        return self.net_unit_price is not None

    @property
    def list_net(self) -> Decimal | None:
        return None if self.list_price is None else quantize(self.list_price * self.line.quantity)


@dataclass(frozen=True)
class QuoteTotals:
    net: Decimal  # the goods and the shipping charge
    vat: Decimal
    gross: Decimal
    list_net: Decimal  # the same lines at list prices (lines that have one)
    discount: Decimal  # list_net − net of those lines
    all_priced: bool
    shipping_net: Decimal = ZERO  # the delivery method's charge (cargo insurance included), in net and vat
    shipping_vat: Decimal = ZERO

    @property
    def goods_net(self) -> Decimal:
        return self.net - self.shipping_net


def line_figures(line) -> LineFigures:
    """Figures of one QuoteLine (its product loaded)."""
    net = line.net_unit_price
    line_net = None if net is None else quantize(net * line.quantity)
    rate = line.product.vat_rate
    return LineFigures(line=line, list_price=line.engine_unit_price, discount_percent=line.effective_discount,
                       net_unit_price=net, line_net=line_net, vat_rate=rate,
                       vat=None if line_net is None else vat_amount(line_net, rate))


def quote_figures(lines, shipping=None) -> tuple[list[LineFigures], QuoteTotals]:
    """Each line's figures and the totals; `shipping` (the Quote, with its priced delivery charge) adds the charge to
    the totals as its own amount (VAT at the freight's own rate)."""
    rows = [line_figures(line) for line in lines]
    priced = [row for row in rows if row.priced]
    net = sum((row.line_net for row in priced), ZERO)
    vat = sum((row.vat for row in priced), ZERO)
    with_list = [row for row in priced if row.list_price is not None]
    list_net = sum((row.list_net for row in with_list), ZERO)
    discount = list_net - sum((row.line_net for row in with_list), ZERO)
    ship_net = shipping.shipping_net if shipping is not None else ZERO
    ship_vat = shipping.shipping_vat if shipping is not None else ZERO
    return rows, QuoteTotals(net=net + ship_net, vat=vat + ship_vat, gross=net + vat + ship_net + ship_vat,
                             list_net=list_net, discount=discount, all_priced=len(priced) == len(rows),
                             shipping_net=ship_net, shipping_vat=ship_vat)


def _s(value) -> str | None:
    """Decimals as strings (exact in JSON), dates as ISO strings."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def build_snapshot(*, quote, lines, revision: int, sent_at, sent_by) -> dict:
    """What revision `revision` says, frozen: header, dealer, lines, the delivery method's charge and totals (goods and
    shipping). Values are strings so the stored JSON equals this dict exactly; the PDF and every later page read only
    this, and the order of an accepted revision keeps its shipping charge."""
    rows, totals = quote_figures(lines, shipping=quote)
    dealer = quote.dealer
    return {
        "version": SNAPSHOT_VERSION,
        "number": quote.number,
        "revision": revision,
        "currency": quote.currency,
        "sent_at": sent_at.isoformat(),
        "sent_by": {"name": str(sent_by) if sent_by else "", "email": getattr(sent_by, "email", "") or ""},
        "dealer": {
            "name": str(dealer), "legal_name": dealer.legal_name, "code": dealer.code or "",
            "address": dealer.address_line, "city": dealer.city, "postal_code": dealer.postal_code,
            "country": dealer.country, "tax_office": dealer.tax_office, "tax_number": dealer.tax_number,
            "email": dealer.email, "phone": dealer.phone,
        },
        "header": {
            "quote_date": _s(quote.quote_date), "delivery_date": _s(quote.delivery_date),
            "payment_method": quote.payment_method, "delivery_method": quote.delivery_method,
            "valid_until": _s(quote.valid_until), "terms": quote.terms, "notes": quote.notes,
            "request_note": quote.request_note, "requested_delivery_date": _s(quote.requested_delivery_date),
        },
        "lines": [{
            "product_id": row.line.product_id,
            "sku": row.line.product.sku,
            "name": row.line.product.name,
            "quantity": format_quantity(row.line.quantity),
            "unit": row.line.product.unit,
            "list_price": _s(row.list_price),
            "discount_percent": _s(row.discount_percent),
            "net_unit_price": _s(row.net_unit_price),
            "line_net": _s(row.line_net),
            "vat_rate": _s(row.vat_rate),
            "vat": _s(row.vat),
        } for row in rows],
        "shipping": {
            "method": quote.delivery_method, "label": quote.shipping_label,
            "net": _s(quote.shipping_net), "vat_rate": _s(quote.shipping_vat_rate), "vat": _s(quote.shipping_vat),
            "gross": _s(quote.shipping_net + quote.shipping_vat), "insured": quote.shipping_insured,
            "insurance_net": _s(quote.shipping_insurance_net),
        },
        "totals": {"net": _s(totals.net), "vat": _s(totals.vat), "gross": _s(totals.gross),
                   "list_net": _s(totals.list_net), "discount": _s(totals.discount)},
    }
