"""The price engine: precedence of lists, quantity breaks, campaigns, payment adjustments, rounding, VAT,
isolation between dealers and a fixed number of queries (docs/pricing.md)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog import prices as catalog_prices
from catalog.models import Product
from dealers.models import Dealer
from dealers.testing import DealerFactory, DealerUserFactory
from portal.actors import Actor
from pricing.engine import price_lines, price_products, summarize
from pricing.errors import InvalidPaymentMethod, InvalidQuantity, UnknownProduct
from pricing.models import Campaign, PriceList, PriceListItem
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


def one(dealer, product, quantity, **kwargs):
    return price_lines(dealer=dealer, lines=[(product, quantity)], **kwargs)[0]


def add_list(product, kind="market", price="100.00", breaks=(), from_quantity="1", **list_kwargs):
    plist = PriceListFactory(kind=kind, **list_kwargs)
    PriceListItemFactory(price_list=plist, product=product, unit_price=D(price), min_quantity=D(from_quantity))
    for min_quantity, unit_price in breaks:
        PriceListItemFactory(price_list=plist, product=product, min_quantity=D(min_quantity), unit_price=D(unit_price))
    return plist


# ---------------------------------------------------------------------------------- precedence of lists

TODAY = timezone.localdate


def _list_kwargs(name, dealer, other_dealer, silver):
    today = TODAY()
    return {
        "market": dict(kind="market"),
        "market_prio": dict(kind="market", priority=5),
        "segment": dict(kind="segment", segment=dealer.segment),
        "segment_prio": dict(kind="segment", segment=dealer.segment, priority=5),
        "segment_newer": dict(kind="segment", segment=dealer.segment),
        "segment_newer_from": dict(kind="segment", segment=dealer.segment, valid_from=today - timedelta(days=1)),
        "segment_older_from": dict(kind="segment", segment=dealer.segment, valid_from=today - timedelta(days=9)),
        "other_segment": dict(kind="segment", segment=silver),
        "contract": dict(kind="contract", dealer=dealer),
        "contract_ends_today": dict(kind="contract", dealer=dealer, valid_to=today),
        "contract_starts_today": dict(kind="contract", dealer=dealer, valid_from=today),
        "contract_expired": dict(kind="contract", dealer=dealer, valid_to=today - timedelta(days=1)),
        "contract_future": dict(kind="contract", dealer=dealer, valid_from=today + timedelta(days=1)),
        "contract_inactive": dict(kind="contract", dealer=dealer, active=False),
        "other_contract": dict(kind="contract", dealer=other_dealer),
    }[name]


@pytest.mark.parametrize("lists, expected_price, expected_kind", [
    ([("market", "100")], "100.00", "market"),
    ([("market", "100"), ("segment", "90")], "90.00", "segment"),
    ([("market", "100"), ("segment", "90"), ("contract", "95")], "95.00", "contract"),  # contract wins even if dearer
    ([("market", "100"), ("contract", "80")], "80.00", "contract"),
    ([("segment", "90")], "90.00", "segment"),  # no market list needed
    ([("market", "100"), ("other_segment", "50")], "100.00", "market"),
    ([("market", "100"), ("other_contract", "50")], "100.00", "market"),  # another dealer's contract: never
    ([("market", "100"), ("segment", "90"), ("other_contract", "50")], "90.00", "segment"),
    ([("market", "100"), ("contract_expired", "50")], "100.00", "market"),
    ([("market", "100"), ("contract_future", "50")], "100.00", "market"),
    ([("market", "100"), ("contract_inactive", "50")], "100.00", "market"),
    ([("market", "100"), ("contract_ends_today", "70")], "70.00", "contract"),
    ([("market", "100"), ("contract_starts_today", "70")], "70.00", "contract"),
    ([("segment", "90"), ("segment_prio", "95")], "95.00", "segment"),  # higher priority wins
    ([("segment_prio", "95"), ("segment", "90")], "95.00", "segment"),
    ([("segment", "90"), ("segment_newer", "85")], "85.00", "segment"),  # same priority: the newer
    ([("segment_newer_from", "88"), ("segment_older_from", "80")], "88.00", "segment"),  # later valid_from
    ([("market", "100"), ("market_prio", "110")], "110.00", "market"),
])
def test_base_price_comes_from_the_highest_precedence_list(lists, expected_price, expected_kind, dealer,
                                                           other_dealer, silver, product):
    for name, price in lists:
        add_list(product, price=price, **_list_kwargs(name, dealer, other_dealer, silver))
    line = one(dealer, product, 1)
    assert line.priced
    assert line.unit_price == D(expected_price)
    assert [r.kind for r in line.rules if r.kind != "market"] in ([], [expected_kind])
    assert PriceList.objects.get(pk=line.price_list_id).kind == expected_kind


def test_no_price_anywhere_means_not_priced(dealer, product):
    add_list(product, kind="contract", dealer=DealerFactory(segment=dealer.segment), price="10")
    line = one(dealer, product, 1)
    assert line.priced is False
    assert line.unit_price is None and line.line_net is None and line.market_price is None
    assert line.rules == [] and line.breaks == []
    assert summarize([line]).all_priced is False


def test_staff_without_dealer_sees_the_market_price_only(dealer, product):
    add_list(product, price="100")
    add_list(product, kind="segment", segment=dealer.segment, price="90")
    CampaignFactory(products=[product])
    line = one(None, product, 1)
    assert line.unit_price == D("100.00")
    assert line.campaign is None


# ---------------------------------------------------------------------------------- quantity breaks

@pytest.mark.parametrize("quantity, expected", [
    ("1", "100.00"), ("9", "100.00"), ("9.999", "100.00"), ("10", "90.00"), ("11", "90.00"),
    ("49", "90.00"), ("50", "80.00"), ("51", "80.00"), ("5000", "80.00"),
])
def test_quantity_break_is_the_largest_min_quantity_not_above_the_quantity(quantity, expected, dealer, product):
    add_list(product, price="120")
    add_list(product, kind="segment", segment=dealer.segment, price="100", breaks=[("10", "90"), ("50", "80")])
    line = one(dealer, product, quantity)
    assert line.unit_price == D(expected)
    assert line.breaks == [(D("1"), D("100.00")), (D("10"), D("90.00")), (D("50"), D("80.00"))]
    kinds = [r.kind for r in line.rules]
    assert kinds == (["market", "segment"] if expected == "100.00" else ["market", "segment", "break"])


def test_contract_priced_only_from_a_larger_quantity_falls_back_below_it(dealer, product):
    add_list(product, kind="segment", segment=dealer.segment, price="100")
    contract = PriceListFactory(kind="contract", dealer=dealer)
    PriceListItemFactory(price_list=contract, product=product, min_quantity=D("10"), unit_price=D("70"))
    assert one(dealer, product, 9).unit_price == D("100.00")
    assert one(dealer, product, 10).unit_price == D("70.00")


def test_quantity_below_every_row_of_a_list_is_not_priced_by_it(dealer, product):
    add_list(product, price="100")  # from 1
    assert one(dealer, product, "0.5").priced is False
    add_list(product, kind="segment", segment=dealer.segment, price="90", from_quantity="0")
    assert one(dealer, product, "0.5").unit_price == D("90.00")


def test_market_price_is_the_market_break_for_that_quantity_and_saving_is_against_it(dealer, product):
    add_list(product, price="120", breaks=[("10", "110")])
    add_list(product, kind="segment", segment=dealer.segment, price="100")
    line = one(dealer, product, 10)
    assert line.market_price == D("110.00")
    assert line.saving == D("100.00")  # 10 × 110 − 10 × 100
    assert line.rules[0].kind == "market" and line.rules[0].amount == D("110.00")


def test_saving_is_never_negative(dealer, product):
    add_list(product, price="100")
    add_list(product, kind="contract", dealer=dealer, price="105")
    assert one(dealer, product, 2).saving == D("0.00")


# ---------------------------------------------------------------------------------- campaigns

@pytest.fixture
def priced(dealer, product):
    add_list(product, price="120")
    add_list(product, kind="segment", segment=dealer.segment, price="100")
    return product


@pytest.mark.parametrize("offset, applies", [
    (timedelta(seconds=-1), False),  # before starts_at
    (timedelta(0), True),  # at starts_at
    (timedelta(days=1), True),
    (timedelta(days=2) - timedelta(microseconds=1), True),  # just before ends_at
    (timedelta(days=2), False),  # at ends_at
])
def test_campaign_runs_from_starts_at_up_to_but_not_at_ends_at(offset, applies, dealer, priced):
    starts = timezone.now().replace(microsecond=0) - timedelta(days=5)
    CampaignFactory(products=[priced], starts_at=starts, ends_at=starts + timedelta(days=2))
    line = one(dealer, priced, 1, on=starts + offset)
    assert line.unit_price == (D("90.00") if applies else D("100.00"))
    assert (line.campaign is not None) is applies


def test_inactive_campaign_does_not_apply(dealer, priced):
    CampaignFactory(products=[priced], active=False)
    assert one(dealer, priced, 1).unit_price == D("100.00")


@pytest.mark.parametrize("scope, applies", [
    ("product", True),
    ("other_product", False),
    ("category", True),
    ("parent_category", True),
    ("sibling_category", False),
    ("no_scope", False),  # a campaign for nothing prices nothing
    ("product_and_my_segment", True),
    ("product_and_other_segment", False),
    ("product_and_me", True),
    ("product_and_other_dealer", False),
    ("product_my_segment_and_me", True),
    ("product_my_segment_other_dealer", False),
])
def test_campaign_scopes(scope, applies, dealer, other_dealer, silver, priced, sub_category, root_category):
    kwargs = {
        "product": dict(products=[priced]),
        "other_product": dict(products=[CatalogProductFactory(category=sub_category)]),
        "category": dict(categories=[sub_category]),
        "parent_category": dict(categories=[root_category]),
        "sibling_category": dict(categories=[CatalogCategoryFactory(parent=root_category)]),
        "no_scope": dict(),
        "product_and_my_segment": dict(products=[priced], segments=[dealer.segment]),
        "product_and_other_segment": dict(products=[priced], segments=[silver]),
        "product_and_me": dict(products=[priced], dealers=[dealer]),
        "product_and_other_dealer": dict(products=[priced], dealers=[other_dealer]),
        "product_my_segment_and_me": dict(products=[priced], segments=[dealer.segment], dealers=[dealer]),
        "product_my_segment_other_dealer": dict(products=[priced], segments=[dealer.segment],
                                                dealers=[other_dealer]),
    }[scope]
    CampaignFactory(name="Winter", **kwargs)
    line = one(dealer, priced, 1)
    assert line.unit_price == (D("90.00") if applies else D("100.00"))
    assert (line.campaign.name if line.campaign else None) == ("Winter" if applies else None)


def test_category_prefix_does_not_match_a_category_whose_id_merely_starts_alike(dealer, priced):
    # Paths are "1/12/": a campaign on category "1/" must not catch "11/".
    other_root = CatalogCategoryFactory()
    CampaignFactory(categories=[other_root])
    assert priced.category.path.startswith(other_root.path) is False
    assert one(dealer, priced, 1).campaign is None


@pytest.mark.parametrize("campaigns, expected, winner", [
    ([("percent", "10", "0"), ("amount", "15", "0")], "85.00", "amount"),
    ([("percent", "20", "0"), ("amount", "15", "0")], "80.00", "percent"),
    ([("percent", "20", "10"), ("amount", "15", "0")], "85.00", "amount"),  # 20 % needs 10 units, line has 5
    ([("amount", "150", "0")], "0.00", "amount"),  # never below zero
    ([("percent", "100", "0")], "0.00", "percent"),
    ([("percent", "12.5", "0")], "87.50", "percent"),
    ([("percent", "10", "5")], "90.00", "percent"),  # min quantity met exactly
    ([("percent", "10", "5.001")], "100.00", None),  # min quantity just missed
])
def test_the_best_single_campaign_wins(campaigns, expected, winner, dealer, priced):
    for kind, value, min_quantity in campaigns:
        CampaignFactory(name=kind, kind=kind, value=D(value), min_quantity=D(min_quantity), products=[priced])
    line = one(dealer, priced, 5)
    assert line.unit_price == D(expected)
    assert (line.campaign.name if line.campaign else None) == winner
    assert [r.kind for r in line.rules].count("campaign") == (1 if winner else 0)


def test_campaign_applies_to_the_price_after_the_quantity_break(dealer, product):
    add_list(product, kind="segment", segment=dealer.segment, price="100", breaks=[("10", "80")])
    CampaignFactory(products=[product], value=D("10"))
    line = one(dealer, product, 10)
    assert line.unit_price == D("72.00")
    assert [(r.kind, r.amount) for r in line.rules] == [
        ("segment", D("100.00")), ("break", D("80.00")), ("campaign", D("72.00"))]


# ---------------------------------------------------------------------------------- payment method

@pytest.mark.parametrize("method, installments, expected", [
    (None, 1, "90.00"),
    ("wire", 1, "88.20"),  # -2 % after the campaign
    ("card", 1, "90.00"),  # 0 %: no rule
    ("card", 3, "92.70"),  # +3 %
    ("card", 6, "95.40"),  # +6 %
    ("card", 12, "90.00"),  # no adjustment defined
    ("on_account", 1, "90.00"),
])
def test_payment_adjustment_is_applied_last(method, installments, expected, dealer, priced):
    for m, n, p in [("wire", 1, "-2"), ("card", 1, "0"), ("card", 3, "3"), ("card", 6, "6")]:
        PaymentAdjustmentFactory(method=m, installments=n, percent=D(p))
    CampaignFactory(products=[priced], value=D("10"))
    line = one(dealer, priced, 1, payment_method=method, installments=installments)
    assert line.unit_price == D(expected)
    kinds = [r.kind for r in line.rules]
    assert kinds[-1] == ("payment" if expected not in ("90.00",) else "campaign")
    assert line.rules[-1].amount == line.unit_price


def test_inactive_payment_adjustment_is_ignored(dealer, priced):
    PaymentAdjustmentFactory(method="wire", installments=1, percent=D("-2"), active=False)
    assert one(dealer, priced, 1, payment_method="wire").unit_price == D("100.00")


@pytest.mark.parametrize("method, installments", [("cash", 1), ("card", 0), ("card", "x")])
def test_unknown_payment_method_is_refused(method, installments, dealer, priced):
    with pytest.raises(InvalidPaymentMethod):
        one(dealer, priced, 1, payment_method=method, installments=installments)


def test_rules_in_the_order_applied_with_unit_price_after_each(dealer, product):
    add_list(product, price="120", name="Market 2026")
    add_list(product, kind="contract", dealer=dealer, price="100", breaks=[("10", "90")], name="Contract A")
    CampaignFactory(products=[product], kind="amount", value=D("5"), name="Five off")
    PaymentAdjustmentFactory(method="wire", installments=1, percent=D("-2"))
    line = one(dealer, product, 10, payment_method="wire")
    assert [(r.kind, r.amount) for r in line.rules] == [
        ("market", D("120.00")), ("contract", D("100.00")), ("break", D("90.00")),
        ("campaign", D("85.00")), ("payment", D("83.30"))]
    assert line.rules[1].detail == "Contract A"
    assert "Five off" in line.rules[3].detail
    assert line.unit_price == D("83.30")
    assert line.line_net == D("833.00")
    assert line.saving == D("367.00")


# ---------------------------------------------------------------------------------- rounding and VAT

@pytest.mark.parametrize("price, quantity, vat_rate, net, vat, gross", [
    ("3.00", "0.335", "20", "1.01", "0.20", "1.21"),  # 1.005 rounds half up, not to even
    ("0.34", "3", "20", "1.02", "0.20", "1.22"),
    ("105.55", "1", "10", "105.55", "10.56", "116.11"),  # VAT 10.555 → 10.56
    ("19.99", "7", "18", "139.93", "25.19", "165.12"),
    ("0.01", "0.4", "20", "0.00", "0.00", "0.00"),
    ("0.01", "0.5", "20", "0.01", "0.00", "0.01"),
])
def test_line_amounts_round_half_up_at_line_level(price, quantity, vat_rate, net, vat, gross, dealer, product):
    Product.objects.filter(pk=product.pk).update(vat_rate=D(vat_rate))
    add_list(product, price=price, from_quantity="0")  # sold by weight: priced from any quantity
    line = one(dealer, product, quantity)
    assert (line.line_net, line.vat_amount, line.line_gross) == (D(net), D(vat), D(gross))
    assert line.vat_rate == D(vat_rate)


def test_campaign_unit_price_rounds_half_up_to_cents(dealer, product):
    add_list(product, price="0.67")
    CampaignFactory(products=[product], value=D("50"))  # 0.335 → 0.34
    line = one(dealer, product, 3)
    assert line.unit_price == D("0.34")
    assert line.line_net == D("1.02")


def test_totals_sum_the_rounded_lines(dealer, product, sub_category):
    second = CatalogProductFactory(category=sub_category)
    add_list(product, price="3.00", from_quantity="0")
    add_list(second, price="0.34")
    lines = price_lines(dealer=dealer, lines=[(product, "0.335"), (second.pk, 3)])
    totals = summarize(lines)
    assert (totals.net, totals.vat, totals.gross) == (D("2.03"), D("0.40"), D("2.43"))
    assert totals.currency == "TRY" and totals.all_priced


def test_currency_comes_from_the_chosen_list(dealer, product):
    add_list(product, price="100")
    add_list(product, kind="contract", dealer=dealer, price="3", currency="EUR")
    assert one(dealer, product, 1).currency == "EUR"


# ---------------------------------------------------------------------------------- input

@pytest.mark.parametrize("quantity", [1.5, "0", "-1", "abc", "NaN", "Infinity", None, True])
def test_bad_quantity_is_refused(quantity, dealer, priced):
    with pytest.raises(InvalidQuantity):
        one(dealer, priced, quantity)


def test_unknown_product_is_refused(dealer, priced):
    with pytest.raises(UnknownProduct):
        price_lines(dealer=dealer, lines=[(priced, 1), (priced.pk + 10_000, 1)])


def test_lines_keep_their_order_and_may_repeat_a_product(dealer, priced, sub_category):
    add_list(priced, kind="segment", segment=dealer.segment, price="100", breaks=[("10", "90")])
    other = CatalogProductFactory(category=sub_category)
    lines = price_lines(dealer=dealer, lines=[(other, 1), (priced, 10), (priced.pk, 1)])
    assert [line.product_id for line in lines] == [other.pk, priced.pk, priced.pk]
    assert lines[0].priced is False
    assert [lines[1].unit_price, lines[2].unit_price] == [D("90.00"), D("100.00")]
    assert price_lines(dealer=dealer, lines=[]) == []


# ---------------------------------------------------------------------------------- the catalog hook

def test_price_products_prices_at_the_minimum_order_quantity_by_default(dealer, product):
    Product.objects.filter(pk=product.pk).update(min_order_quantity=D("10"))
    product.refresh_from_db()
    add_list(product, kind="segment", segment=dealer.segment, price="100", breaks=[("10", "90"), ("20", "80")])
    actor = Actor(user=DealerUserFactory(dealer=dealer, role="viewer"), dealer=dealer)
    prices = price_products(actor=actor, products=[product])
    assert prices[product.pk].quantity == D("10") and prices[product.pk].unit_price == D("90.00")
    prices = price_products(actor=actor, products=[product.pk], quantities={product.pk: 25})
    assert prices[product.pk].unit_price == D("80.00")


def test_engine_is_registered_as_the_catalog_price_provider(dealer, priced):
    actor = Actor(user=DealerUserFactory(dealer=dealer), dealer=dealer)
    prices = catalog_prices.prices_for(actor=actor, products=[priced])
    assert prices[priced.pk].unit_price == D("100.00")


def test_a_dealer_that_may_not_browse_gets_no_prices(dealer, priced):
    Dealer.objects.filter(pk=dealer.pk).update(status=Dealer.Status.SUSPENDED)
    dealer.refresh_from_db()
    actor = Actor(user=DealerUserFactory(dealer=dealer), dealer=dealer)
    assert price_products(actor=actor, products=[priced]) == {}


# ---------------------------------------------------------------------------------- query count

def _catalog_of(n, dealer, category):
    products = Product.objects.bulk_create([
        Product(sku=f"BULK-{i:05d}", name=f"Bulk {i}", category=category) for i in range(n)])
    market = PriceListFactory(kind="market")
    segment = PriceListFactory(kind="segment", segment=dealer.segment)
    contract = PriceListFactory(kind="contract", dealer=dealer)
    rows = []
    for i, product in enumerate(products):
        rows.append(PriceListItem(price_list=market, product=product, unit_price=D("100")))
        rows.append(PriceListItem(price_list=segment, product=product, unit_price=D("90")))
        rows.append(PriceListItem(price_list=segment, product=product, min_quantity=10, unit_price=D("85")))
        if i % 3 == 0:
            rows.append(PriceListItem(price_list=contract, product=product, unit_price=D("80")))
    PriceListItem.objects.bulk_create(rows)
    CampaignFactory(categories=[category], value=D("5"))
    CampaignFactory(products=products[::7], kind=Campaign.Kind.AMOUNT, value=D("3"), segments=[dealer.segment])
    CampaignFactory(products=products[::5], dealers=[dealer])
    PaymentAdjustmentFactory(method="wire", installments=1, percent=D("-2"))
    return products


@pytest.mark.parametrize("n", [1, 500])
def test_pricing_takes_the_same_few_queries_for_one_line_and_for_many(n, dealer, root_category,
                                                                      django_assert_num_queries):
    products = _catalog_of(500, dealer, root_category)
    lines = [(product.pk, 1 + i % 20) for i, product in enumerate(products[:n])]
    # products, price rows, campaigns with their products and categories, payment adjustment
    with django_assert_num_queries(4):
        priced = price_lines(dealer=dealer, lines=lines, payment_method="wire")
    assert len(priced) == n and all(line.priced for line in priced)
    assert all(line.rules[-1].kind == "payment" for line in priced)
