"""quote_shipping and available_methods, table-driven: flat, weight and net bands at their exact edges, zones by
city (whatever its case and dotted İ) and postcode prefix, the override precedence (dealer > segment > zone >
general), free shipping on the NET goods value at the boundary, VAT on freight at its own rate, insurance with its
minimum, handling for fragile goods, and the methods that refuse hazardous goods."""
from decimal import Decimal

import pytest
from django.utils import translation

from catalog.testing import ProductFactory
from dealers.testing import AddressFactory, DealerFactory, SegmentFactory
from shipping import errors
from shipping.services import ShipLine, available_methods, quote_shipping
from shipping.testing import method_with, zone

D = Decimal


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def product(weight="1", *, fragile=False, hazardous=False):
    return ProductFactory(weight_kg=None if weight is None else D(weight), fragile=fragile, hazardous=hazardous)


def ship(dealer, method, *lines, city="Ankara", postal_code="06100", insured=False):
    """Quote shipping of lines (weight per unit, quantity, net) to an address in `city`."""
    address = AddressFactory(dealer=dealer, city=city, postal_code=postal_code)
    rows = [ShipLine(product=item if not isinstance(item, str | type(None)) else product(item), quantity=D(qty),
                     net=D(net)) for item, qty, net in lines]
    return quote_shipping(dealer=dealer, address=address, lines=rows, method=method, insured=insured)


WEIGHT_BANDS = [{"kind": "weight", "from_value": D("0"), "to_value": D("10"), "price": D("50.00")},
                {"kind": "weight", "from_value": D("10"), "to_value": D("50"), "price": D("120.00")},
                {"kind": "weight", "from_value": D("50"), "to_value": None, "price": D("300.00")}]
NET_BANDS = [{"kind": "net", "from_value": D("0"), "to_value": D("5000"), "price": D("250.00")},
             {"kind": "net", "from_value": D("5000"), "to_value": None, "price": D("150.00")}]


@pytest.mark.parametrize(("rules", "weight", "quantity", "net", "freight"), [
    ([{"price": D("75.00")}], "3", "1", "100.00", "75.00"),                   # flat
    (WEIGHT_BANDS, "9.999", "1", "100.00", "50.00"),                          # just under a band's end
    (WEIGHT_BANDS, "10", "1", "100.00", "120.00"),                            # the band's end starts the next one
    (WEIGHT_BANDS, "2.5", "4", "100.00", "120.00"),                           # weight is unit weight × quantity
    (WEIGHT_BANDS, "49.999", "1", "100.00", "120.00"),
    (WEIGHT_BANDS, "50", "1", "100.00", "300.00"),                            # the open last band
    (NET_BANDS, "1", "1", "4999.99", "250.00"),
    (NET_BANDS, "1", "1", "5000.00", "150.00"),
])
def test_the_rule_that_holds_prices_the_freight(dealer, rules, weight, quantity, net, freight):
    quote = ship(dealer, method_with(*rules), (weight, quantity, net))
    assert quote.freight_net == D(freight)
    assert quote.charge_net == D(freight)
    assert quote.charge_vat == (D(freight) * D("0.20")).quantize(D("0.01"))
    assert quote.charge_gross == quote.charge_net + quote.charge_vat


def test_the_weight_reason_names_the_weight_and_the_price(dealer):
    quote = ship(dealer, method_with(*WEIGHT_BANDS), ("8.5", "5", "100.00"))
    assert quote.weight_kg == D("42.5")
    assert "Weight 42.5 kg: 120.00 TRY" in quote.reasons
    fine = ship(dealer, method_with(*WEIGHT_BANDS), ("0.333", "1.5", "100.00"))   # 0.4995 kg shown to the gram
    assert (fine.weight_kg, fine.reasons[0]) == (D("0.4995"), "Weight 0.5 kg: 50.00 TRY")


@pytest.mark.parametrize(("net", "free", "to_go"), [
    ("9999.99", False, "0.01"),     # one cent short is not free
    ("10000.00", True, None),      # the threshold itself is free
    ("12000.00", True, None),
    ("8750.00", False, "1250.00"),  # 8,750 net is 10,500 gross: still not free (net, never gross)
])
def test_free_shipping_is_measured_on_the_net_goods_value(dealer, net, free, to_go):
    method = method_with({"price": D("90.00")}, free_above_net=D("10000.00"))
    quote = ship(dealer, method, ("1", "1", net))
    assert quote.free is free
    assert quote.to_go == (None if to_go is None else D(to_go))
    assert quote.charge_net == (D("0.00") if free else D("90.00"))
    if to_go == "1250.00":
        assert "Free above 10,000.00 TRY net: 1,250.00 TRY to go." in quote.reasons


@pytest.mark.parametrize(("vat_rate", "price", "vat"), [
    ("20.00", "50.00", "10.00"), ("10.00", "50.00", "5.00"), ("0.00", "50.00", "0.00"),
    ("20.00", "33.33", "6.67"),  # 6.666 rounds half up to cents
])
def test_freight_carries_vat_at_the_methods_own_rate(dealer, vat_rate, price, vat):
    method = method_with({"price": D(price)}, vat_rate=D(vat_rate))
    # the goods themselves are at another rate: it does not matter for freight
    quote = ship(dealer, method, (ProductFactory(weight_kg=D("1"), vat_rate=D("1.00")), "1", "100.00"))
    assert (quote.vat_rate, quote.charge_vat, quote.charge_gross) == (D(vat_rate), D(vat), D(price) + D(vat))


@pytest.mark.parametrize(("net", "insurance"), [("1000.00", "25.00"), ("5000.00", "25.00"), ("10000.00", "50.00"),
                                                ("12345.67", "61.73")])
def test_insurance_is_a_rate_of_the_net_value_with_a_minimum(dealer, net, insurance):
    method = method_with({"price": D("100.00")}, insurance_rate_percent=D("0.50"), insurance_minimum=D("25.00"))
    quote = ship(dealer, method, ("1", "1", net), insured=True)
    assert quote.insurance_net == D(insurance)
    assert quote.charge_net == D("100.00") + D(insurance)
    assert ship(dealer, method, ("1", "1", net)).insurance_net == D("0.00")


def test_insurance_asked_of_a_method_without_it_is_refused(dealer):
    with pytest.raises(errors.InsuranceNotOffered):
        ship(dealer, method_with({"price": D("100.00")}), ("1", "1", "100.00"), insured=True)


def test_fragile_goods_add_the_handling_charge_once(dealer):
    method = method_with({"price": D("100.00")}, handling_charge=D("40.00"))
    quote = ship(dealer, method, (product(fragile=True), "2", "100.00"), (product(fragile=True), "1", "50.00"),
                 ("1", "1", "10.00"))
    assert (quote.handling_net, quote.charge_net) == (D("40.00"), D("140.00"))
    assert "Fragile goods: handling 40.00 TRY" in quote.reasons
    assert ship(dealer, method, ("1", "1", "100.00")).handling_net == D("0.00")


def test_a_method_that_does_not_carry_hazardous_or_fragile_goods_refuses_them(dealer):
    method = method_with({"price": D("100.00")}, carries_hazardous=False, carries_fragile=False)
    with pytest.raises(errors.HazardousNotCarried):
        ship(dealer, method, (product(hazardous=True), "1", "100.00"))
    with pytest.raises(errors.FragileNotCarried):
        ship(dealer, method, (product(fragile=True), "1", "100.00"))
    carrier = method_with({"price": D("100.00")}, carries_hazardous=True, handling_charge=D("60.00"))
    assert ship(dealer, carrier, (product(hazardous=True), "1", "100.00")).handling_net == D("60.00")


@pytest.mark.parametrize(("city", "postal_code", "delivers"), [
    ("İstanbul", "34000", True), ("istanbul", "", True), ("ISTANBUL", "", True), ("Istanbul", "", True),
    (" kocaelİ ", "", True), ("Gebze", "41400", True), ("Gebze", "41 400", True), ("Ankara", "06100", False),
    ("Izmir", "35000", False),
])
def test_a_zone_matches_by_city_whatever_its_case_or_by_postcode_prefix(dealer, city, postal_code, delivers):
    marmara = zone("Istanbul and Kocaeli", cities=["İstanbul", "Kocaeli"], postcode_prefixes=["41"])
    method = method_with({"price": D("0.00"), "zone": marmara})
    if delivers:
        assert ship(dealer, method, ("1", "1", "100.00"), city=city, postal_code=postal_code).charge_net == D("0")
    else:
        with pytest.raises(errors.NoRate):
            ship(dealer, method, ("1", "1", "100.00"), city=city, postal_code=postal_code)


def test_the_most_specific_rule_wins_dealer_then_segment_then_zone_then_general(db):
    gold, silver = SegmentFactory(code="gold"), SegmentFactory(code="silver")
    favoured, gold_dealer, silver_dealer = DealerFactory(segment=gold), DealerFactory(segment=gold), \
        DealerFactory(segment=silver)
    istanbul = zone("Istanbul", cities=["İstanbul"])
    method = method_with({"price": D("100.00")},
                         {"price": D("80.00"), "zone": istanbul},
                         {"price": D("60.00"), "segment": gold},
                         {"price": D("40.00"), "dealer": favoured},
                         {"price": D("45.00"), "dealer": favoured, "zone": istanbul})   # dealer + zone beats dealer
    line = ("1", "1", "100.00")
    assert ship(favoured, method, line, city="Istanbul").freight_net == D("45.00")
    assert ship(favoured, method, line, city="Ankara").freight_net == D("40.00")
    assert ship(gold_dealer, method, line, city="Istanbul").freight_net == D("60.00")   # segment beats zone
    assert ship(silver_dealer, method, line, city="Istanbul").freight_net == D("80.00")
    assert ship(silver_dealer, method, line, city="Ankara").freight_net == D("100.00")


def test_an_unknown_weight_falls_back_to_flat_or_net_rules_or_is_refused(dealer):
    with pytest.raises(errors.WeightUnknown):
        ship(dealer, method_with(*WEIGHT_BANDS), (None, "1", "100.00"), ("1", "1", "100.00"))
    fallback = method_with(*WEIGHT_BANDS, {"price": D("500.00")})
    quote = ship(dealer, fallback, (None, "1", "100.00"))
    assert (quote.weight_kg, quote.freight_net) == (None, D("500.00"))
    assert any("weight of some products is not known" in reason for reason in quote.reasons)
    # a known weight: the band wins over the flat fallback, even when the flat rate would be cheaper
    assert ship(dealer, method_with(*WEIGHT_BANDS, {"price": D("20.00")}), ("1", "1", "1.00")).freight_net == D("50")


def test_a_method_limited_to_other_dealers_is_refused(dealer):
    method = method_with({"price": D("100.00")}, dealers=[DealerFactory()])
    with pytest.raises(errors.MethodNotAllowed):
        ship(dealer, method, ("1", "1", "100.00"))
    with pytest.raises(errors.NoLines):
        quote_shipping(dealer=dealer, address=AddressFactory(dealer=dealer), lines=[], method=method)


def test_available_methods_answer_a_quote_or_the_reason_for_each_usable_method(dealer):
    gold = SegmentFactory(code="gold-only")
    method_with({"price": D("100.00")}, code="standard", ordering=1, carries_hazardous=True)
    method_with({"price": D("200.00")}, code="express", ordering=2, carries_hazardous=False)
    method_with({"price": D("0.00"), "zone": zone("Istanbul", cities=["İstanbul"])}, code="truck",
                        ordering=3, carries_hazardous=True)
    method_with({"price": D("1.00")}, code="gold", segments=[gold])          # not the dealer's segment: not listed
    method_with({"price": D("1.00")}, code="retired", active=False)          # inactive: not listed
    address = AddressFactory(dealer=dealer, city="Ankara")
    answers = available_methods(dealer=dealer, address=address,
                                lines=[(product(hazardous=True), D("1"), D("100.00"))])
    assert [(m.code, type(a).__name__) for m, a in answers] == [
        ("standard", "ShippingQuote"), ("express", "HazardousNotCarried"), ("truck", "NoRate")]
    assert answers[0][1].charge_gross == D("120.00")
    assert "hazardous" in answers[1][1].message
