"""POST /api/v1/me/shipping/quote/: every usable method priced for the dealer's lines (at the dealer's prices) to
one of its shipping addresses, or the reason a method cannot be used; another dealer's address is a 404."""
from decimal import Decimal

import pytest
from django.urls import reverse

from dealers.models import Address
from dealers.testing import AddressFactory
from orders.testing import priced
from shipping.testing import method_with, zone

URL = reverse("api:me-shipping-quote")
D = Decimal


@pytest.fixture
def api(token_client, owner):
    return token_client(owner, "account")


@pytest.fixture
def goods(market):
    panel = priced(market, "2500.00", sku="LED-600", weight_kg=D("4.000"))
    acid = priced(market, "100.00", sku="ACID-1", weight_kg=D("1.000"), hazardous=True)
    return panel, acid


@pytest.fixture
def methods(db):
    standard = method_with({"kind": "weight", "from_value": D("0"), "to_value": D("10"), "price": D("80.00")},
                           {"kind": "weight", "from_value": D("10"), "to_value": None, "price": D("150.00")},
                           code="standard", name_en="Standard", name_tr="Standart", ordering=1,
                           free_above_net=D("10000.00"))
    truck = method_with({"price": D("0.00"), "zone": zone("Istanbul", cities=["İstanbul"])}, code="truck",
                        name_en="Own truck", ordering=2, carries_hazardous=True)
    return standard, truck


def post(api, body, language="en"):
    return api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE=language)


def test_every_method_is_priced_or_says_why_not(api, dealer, goods, methods):
    address = AddressFactory(dealer=dealer, city="Ankara")
    response = post(api, {"address": address.pk, "lines": [{"sku": "led-600", "quantity": "3"}]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["currency"], body["goods_net"], body["weight_kg"]) == ("TRY", "7500.00", "12.000")
    standard, truck = body["methods"]
    assert standard["code"] == "standard" and standard["available"] is True and standard["unavailable"] is None
    quote = standard["quote"]
    assert (quote["charge_net"], quote["charge_vat"], quote["charge_gross"]) == ("150.00", "30.00", "180.00")
    assert (quote["free"], quote["to_go"]) == (False, "2500.00")
    assert "Free above 10,000.00 TRY net: 2,500.00 TRY to go." in quote["reasons"]
    assert truck["available"] is False and truck["quote"] is None
    assert truck["unavailable"]["code"] == "shipping.no_rate"


def test_one_method_and_hazardous_goods(api, dealer, goods, methods):
    address = AddressFactory(dealer=dealer, city="ISTANBUL")
    lines = [{"sku": "ACID-1", "quantity": "2"}]
    only = post(api, {"address": address.pk, "lines": lines, "method": "standard"}).json()["methods"]
    assert [(m["code"], m["unavailable"]["code"]) for m in only] == [("standard", "shipping.hazardous_not_carried")]
    truck = post(api, {"address": address.pk, "lines": lines, "method": "truck"}).json()["methods"][0]
    assert truck["available"] is True and truck["quote"]["charge_gross"] == "0.00"


def test_reasons_are_in_the_readers_language(api, dealer, goods, methods):
    address = AddressFactory(dealer=dealer)
    body = post(api, {"address": address.pk, "lines": [{"sku": "LED-600", "quantity": "1"}]}, language="tr").json()
    assert body["methods"][0]["name"] == "Standart"


def test_another_dealers_address_or_a_billing_address_is_not_found(api, dealer, other_dealer, goods, methods):
    for address in (AddressFactory(dealer=other_dealer), AddressFactory(dealer=dealer, kind=Address.Kind.BILLING)):
        response = post(api, {"address": address.pk, "lines": [{"sku": "LED-600", "quantity": "1"}]})
        assert response.status_code == 404


@pytest.mark.parametrize(("lines", "method", "code"), [
    ([{"sku": "LED-600", "quantity": "abc"}], None, "catalog.invalid_quantity"),
    ([{"sku": "LED-600", "quantity": "-1"}], None, "catalog.invalid_quantity"),
    ([{"sku": "NOPE", "quantity": "1"}], None, "catalog.unknown_sku"),
    ([{"sku": "LED-600", "quantity": "1"}], "teleport", "shipping.method_not_allowed"),
])
def test_bad_input_is_a_400_with_its_code(api, dealer, goods, methods, lines, method, code):
    body = {"address": AddressFactory(dealer=dealer).pk, "lines": lines}
    if method:
        body["method"] = method
    response = post(api, body)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_a_malformed_body_is_a_400(api, dealer, methods):
    response = post(api, {"address": "x", "lines": []})
    assert response.status_code == 400
    assert set(response.json()["fields"]) >= {"address", "lines"}


def test_a_product_without_a_price_cannot_be_quoted(api, dealer, methods):
    from catalog.testing import ProductFactory

    ProductFactory(sku="FREE-1")
    response = post(api, {"address": AddressFactory(dealer=dealer).pk, "lines": [{"sku": "FREE-1", "quantity": "1"}]})
    assert (response.status_code, response.json()["code"]) == (400, "shipping.no_price")


def test_staff_without_a_dealer_and_anonymous_callers_are_refused(client, session_api_client, staff):
    assert client.post(URL, {}, content_type="application/json").status_code in (401, 403)
    response = session_api_client(staff).post(URL, {}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "dealers.no_dealer")
