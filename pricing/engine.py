"""The one price engine: every price the portal shows or charges (product page, cart, quote, order, API) comes
from `price_lines`. The rules and their order are written down in docs/pricing.md.

It prices many lines at once in a fixed number of queries, whatever the number of lines:
products (1), candidate price-list rows with their lists (1), running campaigns open to the dealer (1) and their
product and category scopes (2, skipped when none runs), the payment adjustment (1, only with a payment method).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from portal.money import DEFAULT_CURRENCY, quantize, to_decimal, vat_amount

from .errors import InvalidPaymentMethod, InvalidQuantity, UnknownProduct
from .models import Campaign, PaymentAdjustment, PriceList, PriceListItem

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

# Precedence of list kinds: a dealer's contract over its segment's list over the market list.
KIND_RANK = {PriceList.Kind.CONTRACT.value: 3, PriceList.Kind.SEGMENT.value: 2, PriceList.Kind.MARKET.value: 1}


@dataclass(frozen=True)
class Rule:
    """One step of a price, in the order applied. `amount` is the unit price AFTER this step (net, 0.01).

    kind: "market" | "segment" | "contract" | "break" | "campaign" | "payment". `label` names the step in the
    active language, `detail` says which list / break / campaign / method and by how much.
    """

    kind: str
    label: str
    amount: Decimal
    detail: str = ""


class Break(NamedTuple):
    """One row of the quantity-break table of a product: from `min_quantity` on, `unit_price`."""

    min_quantity: Decimal
    unit_price: Decimal


class AppliedCampaign(NamedTuple):
    name: str
    ends_at: datetime.datetime


@dataclass(frozen=True)
class PricedLine:
    """A priced line. Money fields are Decimal quantized to 0.01; None where `priced` is False."""

    product_id: int
    sku: str
    name: str
    quantity: Decimal
    currency: str
    unit_price: Decimal | None
    market_price: Decimal | None
    rules: list = field(default_factory=list)
    campaign: AppliedCampaign | None = None
    breaks: list = field(default_factory=list)
    line_net: Decimal | None = None
    vat_rate: Decimal = Decimal("20.00")
    vat_amount: Decimal | None = None
    line_gross: Decimal | None = None
    saving: Decimal = ZERO
    priced: bool = False
    price_list_id: int | None = None  # the list the base price came from (for order snapshots)


@dataclass(frozen=True)
class PriceTotals:
    currency: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    saving: Decimal
    all_priced: bool


def summarize(lines) -> PriceTotals:
    """Totals of priced lines: sums of the already rounded line amounts (never re-rounded)."""
    priced = [line for line in lines if line.priced]
    currency = priced[0].currency if priced else DEFAULT_CURRENCY
    return PriceTotals(
        currency=currency,
        net=sum((line.line_net for line in priced), ZERO),
        vat=sum((line.vat_amount for line in priced), ZERO),
        gross=sum((line.line_gross for line in priced), ZERO),
        saving=sum((line.saving for line in priced), ZERO),
        all_priced=len(priced) == len(lines),
    )


# ---------------------------------------------------------------------------------------------- input


def to_quantity(value) -> Decimal:
    """A positive, finite Decimal quantity from a Decimal/int/str. Floats are refused."""
    if value is None or isinstance(value, bool):
        raise InvalidQuantity(_("Not a quantity: %(value)s") % {"value": value}, field="quantity")
    try:
        quantity = to_decimal(value)
    except TypeError as exc:
        raise InvalidQuantity(_("Quantities must not be floats."), field="quantity") from exc
    except ValueError as exc:
        raise InvalidQuantity(_("Not a quantity: %(value)s") % {"value": value}, field="quantity") from exc
    if not quantity.is_finite() or quantity <= 0:
        raise InvalidQuantity(_("The quantity must be more than zero: %(value)s") % {"value": value},
                              field="quantity")
    return quantity


def _product_id(item) -> int:
    if isinstance(item, Product):
        return item.pk
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    if isinstance(item, str) and item.strip().isdigit():
        return int(item)
    raise UnknownProduct(_("Not a product: %(value)s") % {"value": item}, field="product")


def format_quantity(value: Decimal) -> str:
    """`10`, `2.5`, `0.335`: a Decimal without trailing zeros and never in exponent form ("1E+1")."""
    return f"{value.normalize():f}"


# ---------------------------------------------------------------------------------------------- loading


class _Product(NamedTuple):
    pk: int
    sku: str
    name: str
    vat_rate: Decimal
    min_order_quantity: Decimal
    path: str


class _List(NamedTuple):
    pk: int
    name: str
    kind: str
    currency: str
    priority: int
    valid_from: datetime.date | None


class _Row(NamedTuple):
    min_quantity: Decimal
    unit_price: Decimal
    price_list: _List


# Plain tuples rather than model instances, and `= ANY(array)` rather than `IN (%s, %s, …)` with a thousand
# parameters: pricing a thousand lines must stay well under 100 ms.

def _id_in(column, ids):
    """`column = ANY(ids)`: one array parameter, cheap to build and to send whatever the number of ids."""
    return RawSQL(f"{column} = ANY(%s)", (list(ids),), output_field=BooleanField())


def _load_products(ids):
    table = Product._meta.db_table
    rows = Product.objects.filter(_id_in(f'"{table}"."id"', ids)).order_by().values_list(
        "pk", "sku", "name", "vat_rate", "min_order_quantity", "category__path")
    found = {row[0]: _Product(*row[:5], row[5] or "") for row in rows}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise UnknownProduct(_("No such product: %(ids)s") % {"ids": ", ".join(map(str, missing))},
                             field="product")
    return found


def _load_rows(*, dealer, ids, day):
    """Every price row of these products in lists that may price them for this dealer on this day."""
    owners = Q(kind=PriceList.Kind.MARKET)
    if dealer is not None:
        owners |= Q(kind=PriceList.Kind.CONTRACT, dealer_id=dealer.pk)
        if dealer.segment_id:
            owners |= Q(kind=PriceList.Kind.SEGMENT, segment_id=dealer.segment_id)
    lists = PriceList.objects.valid_on(day).filter(owners)
    table = PriceListItem._meta.db_table
    rows = PriceListItem.objects.filter(_id_in(f'"{table}"."product_id"', ids), price_list__in=lists)
    rows = rows.order_by().values_list(
        "product_id", "min_quantity", "unit_price", "price_list_id", "price_list__name", "price_list__kind",
        "price_list__currency", "price_list__priority", "price_list__valid_from")
    by_product: dict[int, dict[int, list]] = {}
    plists: dict[int, _List] = {}
    for product_id, min_quantity, unit_price, *list_fields in rows:
        plist = plists.get(list_fields[0])
        if plist is None:
            plist = plists[list_fields[0]] = _List(*list_fields)
        by_product.setdefault(product_id, {}).setdefault(plist.pk, []).append(_Row(min_quantity, unit_price, plist))
    for per_list in by_product.values():
        for list_rows in per_list.values():
            list_rows.sort(key=lambda r: r.min_quantity)
    return by_product, plists


def _list_rank(plist):
    # Kind first, then priority, then the newer list (later valid_from, then later created).
    return (KIND_RANK[plist.kind], plist.priority, plist.valid_from or datetime.date.min, plist.pk)


def _load_campaigns(*, dealer, ids, on):
    """Running campaigns open to this dealer, with the products (of these lines) and category paths they cover."""
    if dealer is None:
        # No dealer: market price only (docs/pricing.md), so no campaign either.
        return []
    campaigns = Campaign.objects.running_on(on)
    seg_through = Campaign.segments.through
    dealer_through = Campaign.dealers.through
    campaigns = campaigns.filter(
        ~Exists(seg_through.objects.filter(campaign_id=OuterRef("pk")))
        | Exists(seg_through.objects.filter(campaign_id=OuterRef("pk"), segment_id=dealer.segment_id)),
        ~Exists(dealer_through.objects.filter(campaign_id=OuterRef("pk")))
        | Exists(dealer_through.objects.filter(campaign_id=OuterRef("pk"), dealer_id=dealer.pk)),
    ).order_by().only("id", "name", "kind", "value", "min_quantity", "ends_at")
    campaigns = list(campaigns)
    if not campaigns:
        return []
    by_id = {c.pk: c for c in campaigns}
    for campaign in campaigns:
        campaign.scope_products, campaign.scope_paths = set(), set()
    through = Campaign.products.through
    product_scope = through.objects.filter(_id_in(f'"{through._meta.db_table}"."product_id"', ids),
                                           campaign_id__in=list(by_id))
    for campaign_id, product_id in product_scope.order_by().values_list("campaign_id", "product_id"):
        by_id[campaign_id].scope_products.add(product_id)
    category_scope = Campaign.categories.through.objects.filter(campaign_id__in=by_id)
    for campaign_id, path in category_scope.order_by().values_list("campaign_id", "category__path"):
        if path:
            by_id[campaign_id].scope_paths.add(path)
    return campaigns


def _load_adjustment(payment_method, installments):
    if not payment_method:
        return None
    if payment_method not in PaymentAdjustment.Method.values:
        raise InvalidPaymentMethod(_("Unknown payment method: %(method)s") % {"method": payment_method},
                                   field="payment_method")
    try:
        installments = int(installments)
    except (TypeError, ValueError) as exc:
        raise InvalidPaymentMethod(_("Not a number of installments: %(value)s") % {"value": installments},
                                   field="installments") from exc
    if installments < 1:
        raise InvalidPaymentMethod(_("The number of installments must be at least 1."), field="installments")
    return PaymentAdjustment.objects.filter(method=payment_method, installments=installments, active=True).first()


# ---------------------------------------------------------------------------------------------- the rules


def _row_for(rows, quantity):
    """The quantity break: the row with the largest min_quantity ≤ quantity (rows sorted ascending)."""
    chosen = None
    for row in rows:
        if row.min_quantity <= quantity:
            chosen = row
        else:
            break
    return chosen


def _campaign_price(campaign, price):
    if campaign.kind == Campaign.Kind.PERCENT:
        return max(quantize(price * (HUNDRED - campaign.value) / HUNDRED), ZERO)
    return max(quantize(price - campaign.value), ZERO)


def _campaign_applies(campaign, product, quantity):
    if quantity < campaign.min_quantity:
        return False
    if product.pk in campaign.scope_products:
        return True
    # A category path is its ancestors' ids joined by "/", so "inside category C" = one of the path's prefixes
    # at a "/" boundary equals C's path.
    return bool(campaign.scope_paths) and not campaign.scope_paths.isdisjoint(_ancestor_paths(product.path))


def _ancestor_paths(path, _cache={}):
    prefixes = _cache.get(path)
    if prefixes is None:
        parts = path.split("/")[:-1]
        prefixes = frozenset("/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
        if len(_cache) < 10_000:
            _cache[path] = prefixes
    return prefixes


class _Words:
    """Translated labels and details, made once per call rather than once per line."""

    def __init__(self, campaigns, adjustment):
        self.market = _("Market price")
        self.base = {PriceList.Kind.MARKET.value: self.market, PriceList.Kind.SEGMENT.value: _("Segment price"),
                     PriceList.Kind.CONTRACT.value: _("Contract price")}
        self.break_ = _("Quantity break")
        self.from_ = _("from %(quantity)s")
        self.campaign = _("Campaign")
        self.payment = _("Payment method")
        self.payment_detail = str(adjustment) if adjustment is not None else ""
        self.campaign_detail = {}
        for campaign in campaigns:
            if campaign.kind == Campaign.Kind.PERCENT:
                detail = _("%(name)s: %(value)s %% off") % {"name": campaign.name,
                                                            "value": format_quantity(campaign.value)}
            else:
                detail = _("%(name)s: %(value)s off per unit") % {"name": campaign.name,
                                                                   "value": quantize(campaign.value)}
            self.campaign_detail[campaign.pk] = detail


def _price_one(*, product, quantity, per_list, plists, campaigns, adjustment, words):
    ranked = sorted((plists[list_id] for list_id in per_list), key=_list_rank, reverse=True)
    base_list = base_row = market_row = None
    for plist in ranked:
        row = _row_for(per_list[plist.pk], quantity)
        if row is None:
            continue  # this list has prices for the product only from a larger quantity on
        if base_row is None:
            base_list, base_row = plist, row
        if plist.kind == PriceList.Kind.MARKET and market_row is None:
            market_row = row
        if base_row is not None and market_row is not None:
            break
    vat_rate = product.vat_rate
    market_price = market_row.unit_price if market_row is not None else None
    if base_row is None:
        return PricedLine(product_id=product.pk, sku=product.sku, name=product.name, quantity=quantity,
                          currency=DEFAULT_CURRENCY, unit_price=None, market_price=None, vat_rate=vat_rate,
                          priced=False)

    rows = per_list[base_list.pk]
    rules = []
    if base_list.kind != PriceList.Kind.MARKET and market_row is not None:
        rules.append(Rule("market", words.market, market_price, market_row.price_list.name))
    headline = rows[0]
    rules.append(Rule(base_list.kind, words.base[base_list.kind], headline.unit_price, base_list.name))
    price = base_row.unit_price
    if base_row is not headline:
        detail = words.from_ % {"quantity": format_quantity(base_row.min_quantity)}
        rules.append(Rule("break", words.break_, price, detail))

    applied = None
    best = None
    for campaign in campaigns:
        if not _campaign_applies(campaign, product, quantity):
            continue
        candidate = _campaign_price(campaign, price)
        key = (candidate, campaign.ends_at, campaign.pk)
        if best is None or key < best[0]:
            best = (key, campaign)
    if best is not None:
        campaign = best[1]
        price = best[0][0]
        rules.append(Rule("campaign", words.campaign, price, words.campaign_detail[campaign.pk]))
        applied = AppliedCampaign(campaign.name, campaign.ends_at)

    if adjustment is not None and adjustment.percent:
        price = max(quantize(price * (HUNDRED + adjustment.percent) / HUNDRED), ZERO)
        rules.append(Rule("payment", words.payment, price, words.payment_detail))

    line_net = quantize(price * quantity)
    vat = vat_amount(line_net, vat_rate)
    saving = ZERO
    if market_price is not None:
        saving = max(quantize(market_price * quantity) - line_net, ZERO)
    return PricedLine(
        product_id=product.pk, sku=product.sku, name=product.name, quantity=quantity,
        currency=base_list.currency, unit_price=price, market_price=market_price, rules=rules, campaign=applied,
        breaks=[Break(row.min_quantity, row.unit_price) for row in rows], line_net=line_net, vat_rate=vat_rate,
        vat_amount=vat, line_gross=line_net + vat, saving=saving, priced=True, price_list_id=base_list.pk,
    )


def _price(*, dealer, lines, on, payment_method, installments):
    on = on or timezone.now()
    if timezone.is_naive(on):
        on = timezone.make_aware(on)
    wanted = [(_product_id(item), None if quantity is None else to_quantity(quantity)) for item, quantity in lines]
    adjustment = _load_adjustment(payment_method, installments)
    if not wanted:
        return []
    ids = list(dict.fromkeys(pk for pk, _q in wanted))
    products = _load_products(ids)
    by_product, plists = _load_rows(dealer=dealer, ids=ids, day=timezone.localdate(on))
    campaigns = _load_campaigns(dealer=dealer, ids=ids, on=on)
    words = _Words(campaigns, adjustment)
    priced = []
    for pk, quantity in wanted:
        product = products[pk]
        if quantity is None:
            quantity = product.min_order_quantity
        priced.append(_price_one(product=product, quantity=quantity, per_list=by_product.get(pk, {}),
                                 plists=plists, campaigns=campaigns, adjustment=adjustment, words=words))
    return priced


# ---------------------------------------------------------------------------------------------- public


def price_lines(*, dealer, lines, on=None, payment_method=None, installments=1) -> list[PricedLine]:
    """Price `lines` [(product or product id, quantity), …] for `dealer` (None: market price only) at `on`.

    Returns one PricedLine per input line, in the same order. Raises UnknownProduct, InvalidQuantity
    (also for a float) or InvalidPaymentMethod; a product without any price comes back with priced=False.
    """
    lines = [(item, to_quantity(quantity)) for item, quantity in lines]
    return _price(dealer=dealer, lines=lines, on=on, payment_method=payment_method, installments=installments)


def price_products(*, actor, products, quantities=None, on=None) -> dict:
    """{product_id: PricedLine} of `products` for the actor's dealer; each at `quantities[product_id]`, else at
    the product's minimum order quantity. The catalog's price hook (catalog.prices) calls this.

    A dealer user whose role or dealer status does not allow browsing gets no prices ({}).
    """
    from dealers.permissions import BROWSE, can

    dealer = getattr(actor, "dealer", None)
    if dealer is not None and not getattr(actor, "is_staff", False) and not can(actor, BROWSE):
        return {}
    quantities = quantities or {}
    lines = []
    for item in products:
        pk = _product_id(item)
        lines.append((pk, quantities.get(pk)))
    return {line.product_id: line for line in _price(dealer=dealer, lines=lines, on=on, payment_method=None,
                                                       installments=1)}
