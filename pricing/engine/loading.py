"""The price engine's reads: one query per kind of fact, whatever the number of lines priced."""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from catalog.models import Product

from ..errors import InvalidPaymentMethod, UnknownProduct
from ..models import Campaign, PaymentAdjustment, PriceList, PriceListItem


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


def load_products(ids):
    table = Product._meta.db_table
    rows = Product.objects.filter(_id_in(f'"{table}"."id"', ids)).order_by().values_list(
        "pk", "sku", "name", "vat_rate", "min_order_quantity", "category__path")
    found = {row[0]: _Product(*row[:5], row[5] or "") for row in rows}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise UnknownProduct(_("No such product: %(ids)s") % {"ids": ", ".join(map(str, missing))},
                             field="product")
    return found


def load_rows(*, dealer, ids, day):
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


def load_campaigns(*, dealer, ids, on):
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


def load_adjustment(payment_method, installments):
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
