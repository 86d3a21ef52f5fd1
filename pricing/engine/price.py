"""The price engine's entry points: load what many lines need in a fixed number of queries, then price each."""
from __future__ import annotations

from django.utils import timezone

from .lines import PricedLine, to_product_id, to_quantity
from .loading import load_adjustment, load_campaigns, load_products, load_rows, products_from_cards
from .rules import Words, price_one


def _price(*, dealer, lines, on, payment_method, installments, products=None, fresh_products=False,
           seen_campaigns=None):
    on = on or timezone.now()
    if timezone.is_naive(on):
        on = timezone.make_aware(on)
    wanted = [(to_product_id(item), None if quantity is None else to_quantity(quantity)) for item, quantity in lines]
    adjustment = load_adjustment(payment_method, installments)
    if not wanted:
        return []
    ids = list(dict.fromkeys(pk for pk, _q in wanted))
    by_product, plists = load_rows(dealer=dealer, ids=ids, day=timezone.localdate(on))
    campaigns = load_campaigns(dealer=dealer, ids=ids, on=on)
    if seen_campaigns is not None:
        seen_campaigns.extend(campaigns)
    if products is None and fresh_products:
        # The caller's product rows, read in this request, are not read again; their category paths only matter to
        # a campaign that covers categories.
        products = products_from_cards([item for item, _q in lines],
                                       need_paths=any(campaign.scope_paths for campaign in campaigns))
    products = products if products is not None else load_products(ids)
    words = Words(campaigns, adjustment)
    priced = []
    for pk, quantity in wanted:
        product = products[pk]
        if quantity is None:
            quantity = product.min_order_quantity
        priced.append(price_one(product=product, quantity=quantity, per_list=by_product.get(pk, {}),
                                plists=plists, campaigns=campaigns, adjustment=adjustment, words=words))
    return priced


def price_lines(*, dealer, lines, on=None, payment_method=None, installments=1,
                fresh_products=False, seen_campaigns: list | None = None) -> list[PricedLine]:
    """Price `lines` [(product or product id, quantity), …] for `dealer` (None: market price only) at `on`.
    `fresh_products`: the lines' Product instances were read in this request; those carrying their SKU, name, VAT
    rate and minimum (and their category, when a running campaign covers categories) are not read again.
    `seen_campaigns`: a list the engine extends with every campaign running at `on` and open to `dealer` (whether
    or not it priced a line; none for no lines), so a caller knows which campaigns could apply without asking again.

    Returns one PricedLine per input line, in the same order. Raises UnknownProduct, InvalidQuantity
    (also for a float) or InvalidPaymentMethod; a product without any price comes back with priced=False.
    """
    lines = [(item, to_quantity(quantity)) for item, quantity in lines]
    return _price(dealer=dealer, lines=lines, on=on, payment_method=payment_method, installments=installments,
                  fresh_products=fresh_products, seen_campaigns=seen_campaigns)


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
        pk = to_product_id(item)
        lines.append((pk, quantities.get(pk)))
    return {line.product_id: line for line in _price(dealer=dealer, lines=lines, on=on, payment_method=None,
                                                       installments=1, products=products_from_cards(products))}
