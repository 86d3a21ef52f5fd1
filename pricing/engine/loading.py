"""The price engine's reads: one query per kind of fact, whatever the number of lines priced."""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from catalog.models import Category, Product

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


# What products_from_cards reads from a Product's loaded values.
_CARD_VALUES = frozenset(("sku", "name", "vat_rate", "min_order_quantity", "category_id"))


def products_from_cards(items, *, need_paths=True):
    """Engine products from catalog Product instances that already carry what pricing needs (the catalog list
    loads its cards with CARD_FIELDS), so pricing a page does not read the products again; None otherwise.
    `need_paths=False`: no campaign covers a category (the category path decides nothing), so a product whose
    category was not read along is taken too."""
    found = {}
    for item in items:
        if not isinstance(item, Product):
            return None
        values = item.__dict__
        # Read from __dict__ only: a deferred field would be read from the database, one query per product.
        if not values.keys() >= _CARD_VALUES:
            return None
        category = item._state.fields_cache.get("category") if values["category_id"] else None
        if values["category_id"] and (category is None or "path" not in category.__dict__):
            if need_paths:
                return None
            category = None
        found[item.pk] = _Product(item.pk, values["sku"], values["name"], values["vat_rate"],
                                  values["min_order_quantity"], category.path if category is not None else "")
    return found


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Plain SQL: the ORM spends longer building these two queries than PostgreSQL spends answering them, and a
# catalog page prices every card. The conditions are PriceListQuerySet.valid_on and CampaignQuerySet.running_on
# written out; the engine's table-driven tests (docs/pricing.md) pin both.
ROWS_SQL = f"""
SELECT i.product_id, i.min_quantity, i.unit_price, l.id, l.name, l.kind, l.currency, l.priority, l.valid_from
FROM {PriceListItem._meta.db_table} i JOIN {PriceList._meta.db_table} l ON l.id = i.price_list_id
WHERE i.product_id = ANY(%(ids)s) AND l.active
  AND (l.valid_from IS NULL OR l.valid_from <= %(day)s) AND (l.valid_to IS NULL OR l.valid_to >= %(day)s)
  AND (l.kind = 'market' OR (l.kind = 'contract' AND l.dealer_id = %(dealer)s)
       OR (l.kind = 'segment' AND l.segment_id = %(segment)s))
"""


def _min_quantity(row):
    return row.min_quantity


def load_rows(*, dealer, ids, day):
    """Every price row of these products in lists that may price them for this dealer on this day:
    ({product id: {list id: [rows by min_quantity]}}, {list id: list})."""
    rows = _fetch(ROWS_SQL, {"ids": list(ids), "day": day, "dealer": dealer.pk if dealer is not None else None,
                             "segment": dealer.segment_id if dealer is not None else None})
    by_product: dict[int, dict[int, list]] = {}
    plists: dict[int, _List] = {}
    several = False
    for product_id, min_quantity, unit_price, list_id, *list_fields in rows:
        plist = plists.get(list_id)
        if plist is None:
            plist = plists[list_id] = _List(list_id, *list_fields)
        row = _Row(min_quantity, unit_price, plist)
        per_list = by_product.get(product_id)
        if per_list is None:
            by_product[product_id] = {list_id: [row]}
            continue
        list_rows = per_list.get(list_id)
        if list_rows is None:
            per_list[list_id] = [row]
        else:
            list_rows.append(row)
            several = True
    if several:  # a list with quantity breaks for a product: its rows from the smallest quantity up
        for per_list in by_product.values():
            for list_rows in per_list.values():
                if len(list_rows) > 1:
                    list_rows.sort(key=_min_quantity)
    return by_product, plists


def _campaigns_sql():
    segments, dealers = Campaign.segments.through._meta.db_table, Campaign.dealers.through._meta.db_table
    products, categories = Campaign.products.through._meta.db_table, Campaign.categories.through._meta.db_table
    return f"""
SELECT c.id, c.name, c.kind, c.value, c.ends_at, c.min_quantity,
  ARRAY(SELECT p.product_id FROM {products} p WHERE p.campaign_id = c.id AND p.product_id = ANY(%(ids)s)),
  ARRAY(SELECT cat.path FROM {categories} k JOIN {Category._meta.db_table} cat ON cat.id = k.category_id
        WHERE k.campaign_id = c.id AND cat.path <> '')
FROM {Campaign._meta.db_table} c
WHERE c.active AND c.starts_at <= %(on)s AND c.ends_at > %(on)s
  AND (NOT EXISTS (SELECT 1 FROM {segments} s WHERE s.campaign_id = c.id)
       OR EXISTS (SELECT 1 FROM {segments} s WHERE s.campaign_id = c.id AND s.segment_id = %(segment)s))
  AND (NOT EXISTS (SELECT 1 FROM {dealers} d WHERE d.campaign_id = c.id)
       OR EXISTS (SELECT 1 FROM {dealers} d WHERE d.campaign_id = c.id AND d.dealer_id = %(dealer)s))
ORDER BY c.id
"""


def load_campaigns(*, dealer, ids, on):
    """Running campaigns open to this dealer, with the products (of these lines) and category paths they cover:
    one query."""
    if dealer is None:
        # No dealer: market price only (docs/pricing.md), so no campaign either.
        return []
    campaigns = []
    for pk, name, kind, value, ends_at, min_quantity, products, paths in _fetch(
            _campaigns_sql(), {"ids": list(ids), "on": on, "segment": dealer.segment_id, "dealer": dealer.pk}):
        campaign = Campaign(pk=pk, name=name, kind=kind, value=value, ends_at=ends_at, min_quantity=min_quantity)
        campaign.scope_products, campaign.scope_paths = set(products), set(paths)
        campaigns.append(campaign)
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
