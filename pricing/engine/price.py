"""The price engine's entry points: load what many lines need in a fixed number of queries, then price each."""
from __future__ import annotations

from django.utils import timezone, translation

from portal.money import DEFAULT_CURRENCY

from .context import campaign_may_run
from .lines import AppliedCampaign, PricedLine, to_product_id, to_quantity
from .loading import load_adjustment, load_campaigns, load_products, load_rows, products_from_cards
from .rules import Words, list_price, price_one, ranked_lists


def _load(*, dealer, lines, on, products=None, fresh_products=False, seen_campaigns=None, campaigns_may_run=True):
    """What pricing `lines` needs: (wanted [(id, quantity or None)], products, rows by product, lists, campaigns).
    `campaigns_may_run=False`: no campaign runs at `on` (context.campaign_may_run), so none is asked for."""
    wanted = [(to_product_id(item), None if quantity is None else to_quantity(quantity)) for item, quantity in lines]
    if not wanted:
        return wanted, {}, {}, {}, []
    ids = list(dict.fromkeys(pk for pk, _q in wanted))
    by_product, plists = load_rows(dealer=dealer, ids=ids, day=timezone.localdate(on))
    campaigns = load_campaigns(dealer=dealer, ids=ids, on=on) if campaigns_may_run else []
    if seen_campaigns is not None:
        seen_campaigns.extend(campaigns)
    if products is None and fresh_products:
        # The caller's product rows, read in this request, are not read again; their category paths only matter to
        # a campaign that covers categories.
        products = products_from_cards([item for item, _q in lines],
                                       need_paths=any(campaign.scope_paths for campaign in campaigns))
    products = products if products is not None else load_products(ids)
    return wanted, products, by_product, plists, campaigns


def _moment(on):
    on = on or timezone.now()
    return timezone.make_aware(on) if timezone.is_naive(on) else on


def _price(*, dealer, lines, on, payment_method, installments, products=None, fresh_products=False,
           seen_campaigns=None):
    on = _moment(on)
    adjustment = load_adjustment(payment_method, installments)
    wanted, products, by_product, plists, campaigns = _load(
        dealer=dealer, lines=lines, on=on, products=products, fresh_products=fresh_products,
        seen_campaigns=seen_campaigns)
    words = Words(campaigns, adjustment) if wanted else None
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


class _Facts:
    """What one price_products call loaded, kept by its ListPrices to build a whole PricedLine when one is asked
    for; the labels in the language active at the call, as price_lines would have written them."""

    __slots__ = ("plists", "campaigns", "language", "_words")

    def __init__(self, plists, campaigns):
        self.plists, self.campaigns, self.language, self._words = plists, campaigns, translation.get_language(), None

    def words(self):
        if self._words is None:
            with translation.override(self.language):
                self._words = Words(self.campaigns, None)
        return self._words


# A PricedLine's fields a ListPrice builds only when asked for.
_LATER = frozenset({"sku", "name", "market_price", "rules", "breaks", "line_net", "vat_rate", "vat_amount",
                    "line_gross", "saving", "price_list_id"})


class ListPrice:
    """A product's price as price_products gives it: the PricedLine of price_lines without a payment method.

    The figures a catalog card or dense row shows (`unit_price`, `currency`, `campaign`, `priced`; with
    `product_id` and `quantity`) are worked out at once; the rest of the line (rules with their translated labels,
    breaks, market price, amounts, VAT) is built by price_one from the same loaded facts the first time one of
    those fields is read, and kept. A 100-row page priced every line in full: 1.5 ms of a dense list's CPU for
    figures it never shows. pricing/tests/test_list_prices.py holds both ways equal over the engine's cases."""

    __slots__ = ("product_id", "quantity", "currency", "unit_price", "campaign", "priced",
                 "_product", "_per_list", "_facts", "_line")

    def __init__(self, product, quantity, per_list, facts, base_list, unit_price, campaign):
        self.product_id, self.quantity = product.pk, quantity
        self.priced = base_list is not None
        self.currency = base_list.currency if base_list is not None else DEFAULT_CURRENCY
        self.unit_price = unit_price
        self.campaign = AppliedCampaign(campaign.name, campaign.ends_at) if campaign is not None else None
        self._product, self._per_list, self._facts, self._line = product, per_list, facts, None

    def line(self):
        """The whole PricedLine (price_one's), built once."""
        if self._line is None:
            facts = self._facts
            self._line = price_one(product=self._product, quantity=self.quantity, per_list=self._per_list,
                                   plists=facts.plists, campaigns=facts.campaigns, adjustment=None,
                                   words=facts.words())
        return self._line

    def __getattr__(self, name):
        # Only for the fields not worked out at once (any other name is an ordinary AttributeError).
        if name not in _LATER:
            raise AttributeError(name)
        return getattr(self.line(), name)

    def __repr__(self):
        return f"ListPrice(product_id={self.product_id}, unit_price={self.unit_price!r}, currency={self.currency!r})"


def price_products(*, actor, products, quantities=None, on=None, version=None) -> dict:
    """{product_id: ListPrice} of `products` for the actor's dealer; each at `quantities[product_id]`, else at
    the product's minimum order quantity. The catalog's price hook (catalog.prices) calls this. A ListPrice has
    every field of a PricedLine (it builds the ones a list does not show when first read). `version`: the catalog
    version the caller read in this request, if it did: when no campaign runs under it, none is asked for.

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
    on = _moment(on)
    may_run = version is None or dealer is None or campaign_may_run(on=on, version=version)
    wanted, found, by_product, plists, campaigns = _load(dealer=dealer, lines=lines, on=on,
                                                         products=products_from_cards(products),
                                                         campaigns_may_run=may_run)
    facts = _Facts(plists, campaigns)
    ranked = ranked_lists(plists)
    prices = {}
    for pk, quantity in wanted:
        product = found[pk]
        if quantity is None:
            quantity = product.min_order_quantity
        per_list = by_product.get(pk, {})
        base_list, unit_price, campaign = list_price(product=product, quantity=quantity, per_list=per_list,
                                                     ranked=ranked, campaigns=campaigns)
        prices[pk] = ListPrice(product, quantity, per_list, facts, base_list, unit_price, campaign)
    return prices
