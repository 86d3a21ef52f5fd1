"""The catalog's prices (price_products: the ListPrice of each product) are the engine's own: the figures a card or a
dense row shows, worked out at once, equal those of price_lines' PricedLine, and the rest of the line, built when
read, is that PricedLine, over the engine's cases (docs/pricing.md: precedence of lists, validity by day, quantity
breaks, campaigns of every kind and scope and their window, rounding, currency, a payment adjustment that only
applies with a method) for dealers of several kinds and staff without a dealer; also when the caller passes the
catalog version and the engine does not ask for campaigns at moments none runs (pricing.engine.context)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from catalog.models import Product
from catalog.search import catalog_version
from dealers.testing import DealerFactory, DealerUserFactory, UserFactory
from portal.actors import Actor
from pricing.engine import price_lines, price_products
from pricing.models import Campaign
from pricing.testing import (
    CampaignFactory,
    CatalogCategoryFactory,
    CatalogProductFactory,
    PaymentAdjustmentFactory,
    PriceListFactory,
    PriceListItemFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
NOW = timezone.now().replace(microsecond=0)

# The lists every product may have rows in (as test_engine's precedence table).
LISTS = {
    "market": dict(kind="market"),
    "market_prio": dict(kind="market", priority=5),
    "segment": dict(kind="segment", segment="mine"),
    "segment_prio": dict(kind="segment", segment="mine", priority=5),
    "segment_newer_from": dict(kind="segment", segment="mine", valid_from=-1),
    "segment_older_from": dict(kind="segment", segment="mine", valid_from=-9),
    "other_segment": dict(kind="segment", segment="other"),
    "contract": dict(kind="contract", dealer="me"),
    "contract_eur": dict(kind="contract", dealer="me", currency="EUR", priority=-1),
    "contract_ends_today": dict(kind="contract", dealer="me", valid_to=0),
    "contract_starts_today": dict(kind="contract", dealer="me", valid_from=0),
    "contract_expired": dict(kind="contract", dealer="me", valid_to=-1),
    "contract_future": dict(kind="contract", dealer="me", valid_from=1),
    "contract_inactive": dict(kind="contract", dealer="me", active=False),
    "other_contract": dict(kind="contract", dealer="other"),
}

# Each product: {list: (price, [(from, price), …] breaks, from quantity of the first row)}, its minimum order and VAT.
PRODUCTS = {
    "market_only": ({"market": ("100", [], "1")}, "1", "20"),
    "segment_wins": ({"market": ("100", [], "1"), "segment": ("90", [], "1")}, "1", "20"),
    "dearer_contract_wins": ({"market": ("100", [], "1"), "segment": ("90", [], "1"), "contract": ("95", [], "1")},
                             "1", "20"),
    "no_market": ({"segment": ("90", [("10", "85"), ("50", "80")], "1")}, "1", "20"),
    "other_segment_only": ({"other_segment": ("50", [], "1")}, "1", "20"),
    "other_contract": ({"market": ("100", [], "1"), "other_contract": ("50", [], "1")}, "1", "20"),
    "expired_and_future": ({"market": ("100", [], "1"), "contract_expired": ("50", [], "1"),
                            "contract_future": ("40", [], "1"), "contract_inactive": ("30", [], "1")}, "1", "20"),
    "ends_today": ({"market": ("100", [], "1"), "contract_ends_today": ("70", [], "1")}, "1", "20"),
    "starts_today": ({"market": ("100", [], "1"), "contract_starts_today": ("70", [], "1")}, "1", "20"),
    "priority": ({"segment": ("90", [], "1"), "segment_prio": ("95", [], "1"), "market": ("100", [], "1"),
                  "market_prio": ("110", [("10", "105")], "1")}, "1", "20"),
    "later_valid_from": ({"segment_newer_from": ("88", [], "1"), "segment_older_from": ("80", [], "1")}, "1", "20"),
    "breaks": ({"market": ("120", [("10", "110")], "1"), "segment": ("100", [("10", "90"), ("50", "80")], "1")},
               "1", "20"),
    "contract_from_ten": ({"segment": ("100", [], "1"), "contract": ("70", [], "10")}, "1", "20"),
    "by_weight": ({"market": ("3.00", [], "0")}, "0.5", "10"),
    "from_one_only": ({"market": ("100", [], "1")}, "0.5", "20"),
    "nothing_for_me": ({"other_contract": ("10", [], "1")}, "1", "20"),
    "no_rows": ({}, "1", "20"),
    "euro": ({"market": ("100", [], "1"), "contract_eur": ("3", [], "1")}, "1", "20"),
    "rounding": ({"market": ("0.67", [], "1")}, "3", "18"),
    "minimum_ten": ({"segment": ("100", [("10", "90"), ("20", "80")], "1")}, "10", "20"),
    "percent_and_amount": ({"market": ("120", [], "1"), "segment": ("100", [], "1")}, "1", "20"),
    "percent_from_ten": ({"market": ("120", [], "1"), "segment": ("100", [], "1")}, "1", "20"),
    "below_zero": ({"segment": ("100", [], "1")}, "1", "20"),
    "tie": ({"segment": ("100", [], "1")}, "1", "20"),
    "in_category": ({"market": ("100", [], "1")}, "1", "20"),
    "in_sibling": ({"market": ("100", [], "1")}, "1", "20"),
    "segments_and_dealers": ({"market": ("100", [], "1")}, "1", "20"),
    "others_only": ({"market": ("100", [], "1")}, "1", "20"),
    "later_campaign": ({"market": ("100", [("10", "95")], "1")}, "1", "20"),
}


@pytest.fixture
def catalog(dealer, other_dealer, silver, root_category):
    """The lists, products and campaigns above; the dealer is in the Gold segment (pricing's conftest)."""
    today = timezone.localdate()
    sub, sibling = CatalogCategoryFactory(parent=root_category), CatalogCategoryFactory(parent=root_category)
    plain = CatalogCategoryFactory()  # no campaign covers it: only those on products apply
    lists = {}
    for name, kwargs in LISTS.items():
        kwargs = dict(kwargs, name=name)
        if "segment" in kwargs:
            kwargs["segment"] = dealer.segment if kwargs["segment"] == "mine" else silver
        if "dealer" in kwargs:
            kwargs["dealer"] = dealer if kwargs["dealer"] == "me" else other_dealer
        for bound in ("valid_from", "valid_to"):
            if bound in kwargs:
                kwargs[bound] = today + timedelta(days=kwargs[bound])
        lists[name] = PriceListFactory(**kwargs)
    products = {}
    for name, (rows, minimum, vat) in PRODUCTS.items():
        category = {"in_category": sub, "in_sibling": sibling, "breaks": sub}.get(name, plain)
        product = products[name] = CatalogProductFactory(category=category, min_order_quantity=D(minimum),
                                                         vat_rate=D(vat), name=name)
        for list_name, (price, breaks, first) in rows.items():
            PriceListItemFactory(price_list=lists[list_name], product=product, unit_price=D(price),
                                 min_quantity=D(first))
            for from_quantity, break_price in breaks:
                PriceListItemFactory(price_list=lists[list_name], product=product, min_quantity=D(from_quantity),
                                     unit_price=D(break_price))
    p = products
    week = dict(starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=7))
    CampaignFactory(name="Ten off", products=[p["percent_and_amount"], p["segment_wins"], p["rounding"]], **week)
    CampaignFactory(name="Fifteen", kind=Campaign.Kind.AMOUNT, value=D("15"),
                    products=[p["percent_and_amount"], p["dearer_contract_wins"]], **week)
    CampaignFactory(name="Twenty from ten", value=D("20"), min_quantity=D("10"),
                    products=[p["percent_from_ten"], p["breaks"]], **week)
    CampaignFactory(name="Too much", kind=Campaign.Kind.AMOUNT, value=D("150"), products=[p["below_zero"]], **week)
    CampaignFactory(name="Half", value=D("50"), products=[p["rounding"], p["by_weight"]], **week)
    CampaignFactory(name="Tie ends first", value=D("10"), products=[p["tie"]], starts_at=NOW - timedelta(days=1),
                    ends_at=NOW + timedelta(days=3))
    CampaignFactory(name="Tie ends later", kind=Campaign.Kind.AMOUNT, value=D("10"), products=[p["tie"]], **week)
    CampaignFactory(name="Category", value=D("12.5"), categories=[sub], **week)
    CampaignFactory(name="Parent", kind=Campaign.Kind.AMOUNT, value=D("1"), categories=[root_category], **week)
    CampaignFactory(name="Sibling only", value=D("30"), categories=[sibling], segments=[silver], **week)
    CampaignFactory(name="Mine", value=D("40"), products=[p["segments_and_dealers"]], segments=[dealer.segment],
                    dealers=[dealer], **week)
    CampaignFactory(name="Others", value=D("60"), products=[p["others_only"], p["segments_and_dealers"]],
                    segments=[silver], **week)
    CampaignFactory(name="Other dealer", value=D("70"), products=[p["others_only"]], dealers=[other_dealer], **week)
    CampaignFactory(name="Off", value=D("80"), products=[p["market_only"]], active=False, **week)
    CampaignFactory(name="Nothing", value=D("80"))
    CampaignFactory(name="Next week", value=D("25"), products=[p["later_campaign"], p["market_only"]],
                    starts_at=NOW + timedelta(days=5), ends_at=NOW + timedelta(days=12))
    PaymentAdjustmentFactory(method="wire", installments=1, percent=D("-2"))  # only with a payment method
    return products


def _actors(dealer, other_dealer, silver):
    silver_dealer = DealerFactory(segment=silver)
    return {
        "dealer": Actor(user=DealerUserFactory(dealer=dealer), dealer=dealer),
        "other dealer": Actor(user=DealerUserFactory(dealer=other_dealer), dealer=other_dealer),
        "silver dealer": Actor(user=DealerUserFactory(dealer=silver_dealer), dealer=silver_dealer),
        "staff": Actor(user=UserFactory(is_staff=True), dealer=None),
    }


SHOWN = ("product_id", "quantity", "currency", "unit_price", "campaign", "priced")
MOMENTS = [timedelta(0), timedelta(days=3) - timedelta(microseconds=1), timedelta(days=3), timedelta(days=5),
           timedelta(days=7) - timedelta(microseconds=1), timedelta(days=7), timedelta(days=12), -timedelta(days=1),
           -timedelta(days=1, microseconds=1)]


@pytest.mark.parametrize("quantity", [None, "0.5", "1", "3", "5", "9.999", "10", "49", "50", "5000"])
def test_list_prices_are_the_engines_lines(quantity, catalog, dealer, other_dealer, silver):
    products = list(Product.objects.filter(pk__in=[p.pk for p in catalog.values()]).select_related("category"))
    for who, actor in _actors(dealer, other_dealer, silver).items():
        for offset in MOMENTS:
            on = NOW + offset
            quantities = {p.pk: D(quantity) for p in products} if quantity else None
            prices = price_products(actor=actor, products=products, quantities=quantities, on=on)
            # With the version a catalog page passes: campaigns are not asked for when none runs at `on`.
            versioned = price_products(actor=actor, products=products, quantities=quantities, on=on,
                                       version=catalog_version())
            lines = price_lines(dealer=actor.dealer, on=on,
                                lines=[(p, D(quantity) if quantity else p.min_order_quantity) for p in products])
            for product, line in zip(products, lines, strict=True):
                price = prices[product.pk]
                case = (who, product.name, quantity, offset)
                assert tuple(getattr(price, name) for name in SHOWN) == tuple(
                    getattr(line, name) for name in SHOWN), case
                assert price.line() == line, case  # the rest, built when read, is the engine's line
                assert tuple(getattr(versioned[product.pk], name) for name in SHOWN) == tuple(
                    getattr(line, name) for name in SHOWN), case
                assert versioned[product.pk].line() == line, case


def test_the_table_covers_each_kind_of_answer(catalog, dealer):
    """The cases above are not all alike: priced and not, each kind of list, a campaign of each kind, breaks."""
    actor = Actor(user=DealerUserFactory(dealer=dealer), dealer=dealer)
    seen = set()
    for quantity in ("0.5", "1", "10", "50"):
        prices = price_products(actor=actor, products=list(catalog.values()),
                                quantities={p.pk: D(quantity) for p in catalog.values()}, on=NOW)
        for price in prices.values():
            seen.add(("priced", price.priced))
            seen.update(("rule", rule.kind) for rule in price.rules)
            seen.add(("currency", price.currency))
            if price.campaign:
                seen.add(("campaign", price.campaign.name))
    assert {("priced", True), ("priced", False), ("currency", "EUR"), ("currency", "TRY")} <= seen
    assert {("rule", kind) for kind in ("market", "segment", "contract", "break", "campaign")} <= seen
    assert {("campaign", name) for name in ("Ten off", "Fifteen", "Twenty from ten", "Too much", "Half",
                                            "Tie ends first", "Category", "Parent", "Mine")} <= seen


def test_the_rest_of_a_list_price_is_built_once_in_the_language_of_the_call(catalog, dealer):
    actor = Actor(user=DealerUserFactory(dealer=dealer), dealer=dealer)
    product = catalog["breaks"]
    with translation.override("tr"):
        price = price_products(actor=actor, products=[product], quantities={product.pk: D("10")}, on=NOW)[product.pk]
        turkish = price_lines(dealer=dealer, lines=[(product, 10)], on=NOW)[0]
    with translation.override("en"):
        english = price_lines(dealer=dealer, lines=[(product, 10)], on=NOW)[0]
        assert price.rules == turkish.rules != english.rules  # read after the language changed: still the call's
    assert price.line() is price.line()
    assert (price.market_price, price.saving, price.line_net, price.breaks) == (
        turkish.market_price, turkish.saving, turkish.line_net, turkish.breaks)
    with pytest.raises(AttributeError):
        price.no_such_field  # noqa: B018
