"""Zones by region (issue 14, section 1): a dealer's address has a city (the province, for a Turkish address) but no
region field, so a zone's "region" place holds the cities of that region's provinces (Turkey's seven geographic
regions, shipping/zones.py); a city that is no province is placed by its postcode's first two digits (the
province's plate number)."""
from decimal import Decimal

import pytest

from dealers.models import Address
from shipping.errors import NoRate
from shipping.models import RateKind, ZoneLine
from shipping.services import quote_shipping
from shipping.testing import method_with, zone
from shipping.zones import PROVINCES, Region, provinces_of, region_of

D = Decimal
pytestmark = pytest.mark.django_db


def test_the_table_holds_the_81_provinces_in_seven_regions():
    assert sorted(PROVINCES) == list(range(1, 82))
    assert {region for _name, region in PROVINCES.values()} == set(Region.values)
    assert [len(provinces_of(region)) for region in Region.values] == [11, 8, 8, 13, 18, 14, 9]


@pytest.mark.parametrize("city, postal_code, region", [
    ("İstanbul", "", Region.MARMARA),
    ("ISTANBUL", "34000", Region.MARMARA),
    ("bursa", "", Region.MARMARA),
    ("İzmit", "", Region.MARMARA),  # another name of Kocaeli
    ("Ankara", "06100", Region.CENTRAL_ANATOLIA),
    ("Şanlıurfa", "", Region.SOUTHEASTERN_ANATOLIA),
    ("Sanliurfa", "", Region.SOUTHEASTERN_ANATOLIA),
    ("Iğdır", "", Region.EASTERN_ANATOLIA),
    ("Kadıköy", "34710", Region.MARMARA),  # a district typed as the city: the postcode's plate number decides
    ("Bornova", "35 040", Region.AEGEAN),
    ("Atlantis", "", None),
    ("Atlantis", "99999", None),
])
def test_region_of_an_address(city, postal_code, region):
    assert region_of(city=city, postal_code=postal_code) == region


@pytest.mark.parametrize("city, postal_code, inside", [
    ("İstanbul", "", True),
    ("Edirne", "", True),
    ("Kadıköy", "34710", True),
    ("Ankara", "", False),
    ("Kadıköy", "06710", False),
    ("", "", False),
])
def test_a_region_zone_holds_the_cities_of_its_provinces(city, postal_code, inside):
    marmara = zone("Marmara region")
    ZoneLine.objects.create(zone=marmara, region=Region.MARMARA)
    assert marmara.contains(city=city, postal_code=postal_code) is inside


def test_a_zone_line_is_one_of_city_region_or_postcode():
    from django.db import IntegrityError, transaction

    made = zone("Mixed")
    with pytest.raises(IntegrityError), transaction.atomic():
        ZoneLine.objects.create(zone=made, city="Ankara", region=Region.MARMARA)
    with pytest.raises(IntegrityError), transaction.atomic():
        ZoneLine.objects.create(zone=made)
    assert str(ZoneLine.objects.create(zone=made, region=Region.BLACK_SEA)) == "Black Sea"


@pytest.mark.parametrize("city, price", [
    ("Tekirdağ", D("80.00")),   # the Marmara region's rate
    ("Trabzon", D("150.00")),   # the general rate
])
def test_a_region_rule_prices_its_region(dealer, panel, city, price):
    marmara = zone("Marmara region")
    ZoneLine.objects.create(zone=marmara, region=Region.MARMARA)
    method = method_with({"kind": RateKind.FLAT, "price": "150.00"},
                         {"kind": RateKind.FLAT, "price": "80.00", "zone": marmara}, code="road")
    address = Address(dealer=dealer, kind=Address.Kind.SHIPPING, city=city, postal_code="")
    quote = quote_shipping(dealer=dealer, address=address, lines=[(panel, D(1), D("100.00"))], method=method)
    assert quote.freight_net == price


def test_a_method_only_for_a_region_does_not_deliver_elsewhere(dealer, panel):
    aegean = zone("Aegean")
    ZoneLine.objects.create(zone=aegean, region=Region.AEGEAN)
    method = method_with({"kind": RateKind.FLAT, "price": "50.00", "zone": aegean}, code="local")
    izmir = Address(dealer=dealer, kind=Address.Kind.SHIPPING, city="İzmir", postal_code="35000")
    assert quote_shipping(dealer=dealer, address=izmir, lines=[(panel, D(1), D("100.00"))],
                          method=method).freight_net == D("50.00")
    van = Address(dealer=dealer, kind=Address.Kind.SHIPPING, city="Van", postal_code="65000")
    with pytest.raises(NoRate):
        quote_shipping(dealer=dealer, address=van, lines=[(panel, D(1), D("100.00"))], method=method)
