"""The dealer's shipping methods page (issue 14, section 1): the methods this dealer may use, their carrier and lead
time, rates in plain words (the general ones, zones holding one of its shipping addresses, its segment's and its own
rate, never another dealer's or segment's), free shipping on the net value, insurance with its rate, minimum and
cover, what fragile and hazardous goods each carries and the handling charge. Linked from checkout and "My account"."""
from decimal import Decimal

import pytest
from django.urls import reverse

from dealers.testing import DealerUserFactory, SegmentFactory
from orders.services import add_to_cart
from shipping.models import Carrier, RateKind
from shipping.testing import CarrierFactory, method_with, zone

D = Decimal
pytestmark = pytest.mark.django_db
URL = "/shipping/methods/"


@pytest.fixture
def setup(dealer, other_dealer, addresses):
    """The dealer (Ankara depot) in segment Gold; another dealer in Silver."""
    gold, silver = SegmentFactory(name="Gold"), SegmentFactory(name="Silver")
    dealer.segment, other_dealer.segment = gold, silver
    dealer.save()
    other_dealer.save()
    central, aegean = zone("Central", cities=["Ankara"]), zone("Aegean coast", cities=["İzmir"])
    yurtici = CarrierFactory(code="yurtici", name="Yurtiçi Kargo")
    road = method_with(
        {"kind": RateKind.WEIGHT, "from_value": "0", "to_value": "10", "price": "50.00"},
        {"kind": RateKind.WEIGHT, "from_value": "10", "price": "90.00"},
        {"kind": RateKind.FLAT, "price": "70.00", "zone": central},
        {"kind": RateKind.FLAT, "price": "66.60", "zone": aegean},        # no address of the dealer there
        {"kind": RateKind.FLAT, "price": "41.00", "dealer": dealer},      # the dealer's own rate
        {"kind": RateKind.FLAT, "price": "13.13", "dealer": other_dealer},  # another dealer's: never shown
        {"kind": RateKind.FLAT, "price": "45.00", "segment": gold},
        {"kind": RateKind.FLAT, "price": "17.17", "segment": silver},
        code="road", name_en="Road", name_tr="Karayolu", carrier=yurtici, lead_time_days=2,
        free_above_net=D("10000.00"), insurance_rate_percent=D("0.50"), insurance_minimum=D("50.00"),
        insurance_cover_en="Loss and damage in transit.", handling_charge=D("25.00"), carries_hazardous=False)
    truck = Carrier.objects.create(code="own", name="Our truck", own_truck=True)
    method_with({"kind": RateKind.NET, "from_value": "0", "to_value": "5000", "price": "200.00"},
                {"kind": RateKind.NET, "from_value": "5000", "price": "0.00"},
                code="truck", name_en="Own truck", carrier=truck, lead_time_days=1, carries_hazardous=True)
    method_with({"kind": RateKind.FLAT, "price": "9.99"}, code="vip", name_en="VIP courier", dealers=[other_dealer])
    method_with({"kind": RateKind.FLAT, "price": "8.88"}, code="silver-only", name_en="Silver express",
                segments=[silver])
    return road


def test_the_page_shows_this_dealers_methods_and_their_terms(signed_in, setup):
    html = signed_in.get(URL).content.decode()
    assert 'id="method-road"' in html and 'id="method-truck"' in html
    assert "VIP courier" not in html and "Silver express" not in html  # other dealers' and segments' methods
    road = html[html.index('id="method-road"'):html.index('id="method-truck"')]
    assert "Yurtiçi Kargo" in road and "Usually 2 days" in road
    assert "10,000.00 TRY" in road and "net or more (before VAT)" in road
    assert "0.5 % of the insured net goods value, at least 50.00 TRY" in road
    assert "What it covers: Loss and damage in transit." in road
    assert "Hazardous goods" in road and "Not carried" in road and "25.00 TRY" in road
    assert "Lighter than 10 kg" in road and "10 kg and heavier" in road
    assert "Deliveries to Ankara depot (Ankara)" in road and "70.00 TRY" in road
    assert "Your company&#x27;s own rate" in road and "41.00 TRY" in road
    assert "Your segment&#x27;s rate (Gold)" in road and "45.00 TRY" in road
    truck = html[html.index('id="method-truck"'):]
    assert "Our own truck" in truck and "Usually 1 day" in truck
    assert "Goods worth less than 5,000.00 TRY net" in truck and "Goods worth 5,000.00 TRY net or more" in truck


def test_another_dealers_rules_and_other_zones_stay_invisible(signed_in, setup):
    html = signed_in.get(URL).content.decode()
    for price in ("13.13", "17.17", "66.60", "9.99", "8.88"):
        assert price not in html


def test_the_other_dealer_sees_its_own_rate_and_not_this_ones(client, other_dealer, setup):
    client.force_login(DealerUserFactory(dealer=other_dealer, role="buyer"))
    html = client.get(URL).content.decode()
    assert "13.13" in html and "17.17" in html and "VIP courier" in html and "Silver express" in html
    assert "41.00" not in html and "45.00" not in html
    assert "Deliveries to" not in html  # the other dealer has no address in a zone


def test_every_role_of_the_dealer_sees_the_page_and_nobody_else(client, dealer, setup):
    client.force_login(DealerUserFactory(dealer=dealer, role="viewer"))
    assert client.get(URL).status_code == 200
    client.logout()
    assert client.get(URL).status_code == 302  # to the log-in


def test_without_any_method_the_page_says_so(signed_in):
    html = signed_in.get(URL).content.decode()
    assert 'id="no-methods"' in html


def test_linked_from_my_account_and_checkout(signed_in, actor, addresses, panel, setup):
    account = signed_in.get(reverse("dealers:dashboard")).content.decode()
    assert 'id="shipping-methods-card"' in account and f'href="{URL}"' in account
    add_to_cart(actor=actor, product=panel, quantity=1)
    checkout = signed_in.get(reverse("orders:checkout")).content.decode()
    assert f'href="{URL}" id="shipping-methods-link"' in checkout
