"""The price engine's rules for one line: which list wins, which quantity break, which campaign, the payment
adjustment; in the order docs/pricing.md writes them down."""
from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from portal.money import DEFAULT_CURRENCY, quantize, vat_amount

from ..models import Campaign, PriceList
from .lines import HUNDRED, ZERO, AppliedCampaign, Break, PricedLine, Rule, format_quantity

# Precedence of list kinds: a dealer's contract over its segment's list over the market list.
KIND_RANK = {PriceList.Kind.CONTRACT.value: 3, PriceList.Kind.SEGMENT.value: 2, PriceList.Kind.MARKET.value: 1}


def _list_rank(plist):
    # Kind first, then priority, then the newer list (later valid_from, then later created).
    return (KIND_RANK[plist.kind], plist.priority, plist.valid_from or datetime.date.min, plist.pk)


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


# The prefixes of each category path seen, kept in the process (at most 10,000 paths).
_ANCESTOR_PATHS: dict[str, frozenset] = {}


def _ancestor_paths(path):
    prefixes = _ANCESTOR_PATHS.get(path)
    if prefixes is None:
        parts = path.split("/")[:-1]
        prefixes = frozenset("/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
        if len(_ANCESTOR_PATHS) < 10_000:
            _ANCESTOR_PATHS[path] = prefixes
    return prefixes


def best_campaign(campaigns, product, quantity, price):
    """(unit price after it, campaign) of the campaign that gives the lowest unit price (tie: the one ending first,
    then the older), or None when none applies. Campaigns never stack."""
    best = None
    for campaign in campaigns:
        if not _campaign_applies(campaign, product, quantity):
            continue
        key = (_campaign_price(campaign, price), campaign.ends_at, campaign.pk)
        if best is None or key < best[0]:
            best = (key, campaign)
    return None if best is None else (best[0][0], best[1])


def ranked_lists(plists) -> list:
    """The lists of one call, the highest precedence first. Ranking is a total order on the lists (their ids
    differ), so a product's own lists come in this order as price_one sorts them."""
    return sorted(plists.values(), key=_list_rank, reverse=True)


def list_price(*, product, quantity, per_list, ranked, campaigns):
    """(base list, unit price, campaign or None) of one line as price_one finds them without a payment method;
    (None, None, None) when no list prices the product at this quantity. What a catalog card or dense row shows,
    without the rules, breaks, market price and amounts price_one also builds (and translates) for every line."""
    plist, row = base_row_of(ranked, per_list, quantity)
    if row is None:
        return None, None, None
    price = row.unit_price
    if campaigns:
        best = best_campaign(campaigns, product, quantity, price)
        if best is not None:
            return plist, best[0], best[1]
    return plist, price, None


def base_row_of(ranked, per_list, quantity):
    """(list, row) that prices a line: the first of the `ranked` lists with a row of this product for this
    quantity (a list that prices it only from a larger quantity on is passed over); (None, None) when none does.
    The one rule for both price_one and list_price."""
    for plist in ranked:
        rows = per_list.get(plist.pk)
        if rows is None:
            continue
        row = _row_for(rows, quantity)
        if row is not None:
            return plist, row
    return None, None


class Words:
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


def price_one(*, product, quantity, per_list, plists, campaigns, adjustment, words):
    ranked = sorted((plists[list_id] for list_id in per_list), key=_list_rank, reverse=True)
    base_list, base_row = base_row_of(ranked, per_list, quantity)
    _market, market_row = base_row_of([p for p in ranked if p.kind == PriceList.Kind.MARKET], per_list, quantity)
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
    best = best_campaign(campaigns, product, quantity, price)
    if best is not None:
        price, campaign = best
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

