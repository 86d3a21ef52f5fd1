"""Catalog and pricing API with the real engine: each dealer sees its own price, never another's contract."""
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from catalog.services import refresh_search
from dealers.models import Dealer
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from portal.api_tokens import create_api_token
from pricing.testing import CampaignFactory, PriceListFactory, PriceListItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def priced(product, gold, silver, dealer):
    """Market 100, Gold 80 (70 from 50), Silver 90, a contract of 60 for `dealer`."""
    market = PriceListFactory(kind="market")
    PriceListItemFactory(price_list=market, product=product, unit_price=Decimal("100.00"))
    gold_list = PriceListFactory(kind="segment", segment=gold)
    PriceListItemFactory(price_list=gold_list, product=product, unit_price=Decimal("80.00"))
    PriceListItemFactory(price_list=gold_list, product=product, min_quantity=50, unit_price=Decimal("70.00"))
    PriceListItemFactory(price_list=PriceListFactory(kind="segment", segment=silver), product=product,
                         unit_price=Decimal("90.00"))
    PriceListItemFactory(price_list=PriceListFactory(kind="contract", dealer=dealer), product=product,
                         unit_price=Decimal("60.00"))
    refresh_search(products=[product])
    return product


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_two_dealers_in_different_segments_and_a_contract_each_see_their_own_price(priced, dealer, gold, silver):
    contract_user = DealerUserFactory(dealer=dealer)
    gold_user = DealerUserFactory(dealer=DealerFactory(segment=gold))
    silver_user = DealerUserFactory(dealer=DealerFactory(segment=silver))
    seen = {}
    for name, user in [("contract", contract_user), ("gold", gold_user), ("silver", silver_user)]:
        body = client_for(user).get(f"/api/v1/products/{priced.sku}/").json()
        seen[name] = body["price"]["unit_price"]
        assert body["price"]["market_price"] == "100.00"
        assert body["price"]["rules"][0]["kind"] == "market"
    assert seen == {"contract": "60.00", "gold": "80.00", "silver": "90.00"}


def test_gold_dealer_sees_the_quantity_breaks_and_why(priced, gold):
    user = DealerUserFactory(dealer=DealerFactory(segment=gold))
    body = client_for(user).get(f"/api/v1/products/{priced.sku}/?quantity=60").json()
    assert body["price"]["unit_price"] == "70.00"
    assert [(b["min_quantity"], b["unit_price"]) for b in body["price"]["breaks"]] == [
        ("1.000", "80.00"), ("50.000", "70.00")]
    assert [r["kind"] for r in body["price"]["rules"]] == ["market", "segment", "break"]


def test_product_list_carries_the_callers_price_and_never_another_dealers_contract(priced, gold):
    other = DealerUserFactory(dealer=DealerFactory(segment=gold))
    body = client_for(other).get("/api/v1/products/?q=led").json()
    assert body["count"] == 1
    assert body["results"][0]["price"]["unit_price"] == "80.00"
    assert "60.00" not in str(body)


def test_price_calculator_prices_lines_with_campaign_and_payment_method(priced, dealer):
    CampaignFactory(products=[priced], value=Decimal("10"))
    from pricing.testing import PaymentAdjustmentFactory

    PaymentAdjustmentFactory(method="wire", installments=1, percent=Decimal("-2"))
    user = DealerUserFactory(dealer=dealer)
    response = client_for(user).post("/api/v1/prices/calculate/", {
        "lines": [{"sku": priced.sku, "quantity": "3"}], "payment_method": "wire"}, format="json")
    assert response.status_code == 200, response.json()
    line = response.json()["lines"][0]
    # contract 60 → campaign 10 % → 54.00 → wire −2 % → 52.92; three of them 158.76 net, VAT 20 %.
    assert line["unit_price"] == "52.92" and line["line_net"] == "158.76"
    assert response.json()["gross"] == "190.51"


def test_price_calculator_refuses_unknown_skus_and_bad_quantities(priced, dealer):
    client = client_for(DealerUserFactory(dealer=dealer))
    unknown = client.post("/api/v1/prices/calculate/", {"lines": [{"sku": "NOPE", "quantity": "1"}]}, format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "catalog.unknown_sku"
    bad = client.post("/api/v1/prices/calculate/", {"lines": [{"sku": priced.sku, "quantity": "-1"}]}, format="json")
    assert bad.status_code == 400 and "lines" in bad.json()["fields"]


def test_only_staff_price_as_another_dealer(priced, dealer):
    own = client_for(DealerUserFactory(dealer=DealerFactory()))
    refused = own.post("/api/v1/prices/calculate/", {"lines": [{"sku": priced.sku, "quantity": "1"}],
                                                     "dealer_code": dealer.code}, format="json")
    assert refused.status_code == 400
    staff = client_for(StaffFactory())
    allowed = staff.post("/api/v1/prices/calculate/", {"lines": [{"sku": priced.sku, "quantity": "1"}],
                                                       "dealer_code": dealer.code}, format="json")
    assert allowed.json()["lines"][0]["unit_price"] == "60.00"


def test_agents_price_as_their_own_dealers_only_and_other_staff_not_at_all(priced, dealer):
    from dealers.testing import AgentFactory, UserFactory

    body = {"lines": [{"sku": priced.sku, "quantity": "1"}], "dealer_code": dealer.code}
    assigned = client_for(AgentFactory(dealers=[dealer])).post("/api/v1/prices/calculate/", body, format="json")
    assert assigned.status_code == 200 and assigned.json()["lines"][0]["unit_price"] == "60.00"
    for user in (AgentFactory(dealers=[DealerFactory()]), UserFactory(is_staff=True)):
        refused = client_for(user).post("/api/v1/prices/calculate/", body, format="json")
        assert refused.status_code == 400 and refused.json()["fields"]["dealer_code"] == ["No dealer has this code."]


@pytest.fixture
def number_attribute(priced):
    from catalog.models import Attribute
    from catalog.testing import AttributeFactory, ProductAttributeFactory

    watt = AttributeFactory(code="watt", name="Power", kind=Attribute.Kind.NUMBER)
    ProductAttributeFactory(product=priced, attribute=watt, value_number=Decimal("40"))
    return watt


# A filter value no filter could use narrows nothing (the list answers as without it, as the catalog page does); a
# value that says what to answer (the page, the quantity to price) is refused with the field named. Never a 500.
@pytest.mark.parametrize("path, status, field", [
    ("/api/v1/products/?price_min=NaN", 200, None),
    ("/api/v1/products/?price_max=1e999", 200, None),
    ("/api/v1/products/?attr_watt=1e999999", 200, None),
    ("/api/v1/products/?page=x", 400, "page"),
    ("/api/v1/products/{sku}/?quantity=1e30", 400, "quantity"),
    ("/api/v1/products/{sku}/?quantity=abc", 400, "quantity"),
])
def test_bad_catalog_query_values_are_ignored_or_refused_never_a_500(priced, dealer, path, status, field,
                                                                     number_attribute):
    response = client_for(DealerUserFactory(dealer=dealer)).get(path.format(sku=priced.sku))
    assert response.status_code == status, response.content[:300]
    if status == 400:
        assert list(response.json()["fields"]) == [field]
    else:
        assert [row["sku"] for row in response.json()["results"]] == [priced.sku]


def test_the_calculator_refuses_a_quantity_no_order_could_hold(priced, dealer):
    client = client_for(DealerUserFactory(dealer=dealer))
    huge = client.post("/api/v1/prices/calculate/", {"lines": [{"sku": priced.sku, "quantity": "1000000000"}]},
                       format="json")
    assert huge.status_code == 400


def test_unapproved_dealer_is_refused_and_staff_see_no_prices(priced):
    applied = DealerUserFactory(dealer=DealerFactory(status=Dealer.Status.APPLIED))
    assert client_for(applied).get("/api/v1/products/").status_code == 403
    body = client_for(StaffFactory()).get(f"/api/v1/products/{priced.sku}/").json()
    assert body["price"] is None and body["sku"] == priced.sku


def test_token_needs_the_catalog_read_scope(priced, dealer):
    user = DealerUserFactory(dealer=dealer)
    _, key = create_api_token(name="script", user=user, scopes=["account"], actor=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/products/").status_code == 403
    _, key = create_api_token(name="shop", user=user, scopes=["catalog:read"], actor=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"/api/v1/products/{priced.sku}/").json()["price"]["unit_price"] == "60.00"


def test_categories_are_listed_as_a_tree(priced, root_category, sub_category):
    body = client_for(DealerUserFactory(dealer=DealerFactory())).get("/api/v1/categories/").json()
    by_slug = {c["slug"]: c for c in body}
    assert by_slug[sub_category.slug]["parent"] == root_category.slug and by_slug[root_category.slug]["depth"] == 0


def test_unknown_product_is_404(priced, dealer):
    assert client_for(DealerUserFactory(dealer=dealer)).get("/api/v1/products/NOPE/").status_code == 404


def test_calculator_finds_skus_whatever_their_case(client, dealer, product):
    from django.urls import reverse

    from dealers.testing import DealerUserFactory
    from pricing.testing import PriceListFactory, PriceListItemFactory

    PriceListItemFactory(price_list=PriceListFactory(kind="market"), product=product, unit_price="120.00")
    client.force_login(DealerUserFactory(dealer=dealer))
    response = client.post(reverse("api:price-calculator"), {"lines": [{"sku": product.sku.lower(), "quantity": "1"}]},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["lines"][0]["unit_price"] == "120.00"
