"""One code per refusal on every path that had another: an unknown SKU is `catalog.unknown_sku` (the price calculator
answered `pricing.unknown_sku`, the admin's "Price as dealer" page `pricing.unknown_product`), and pricing as another
dealer is one rule (pricing.permissions.can_price_as) with one code, `pricing.price_as_not_allowed`, in the API and on
the admin's page."""
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.errors import UnknownSku
from dealers.testing import AgentFactory, DealerFactory, DealerUserFactory, StaffFactory, UserFactory
from portal.actors import Actor
from pricing import permissions, selectors
from pricing.errors import PriceAsNotAllowed
from pricing.testing import PriceListFactory, PriceListItemFactory

pytestmark = pytest.mark.django_db

CALCULATE = "/api/v1/prices/calculate/"
PREVIEW = "admin:pricing_pricelist_price_as_dealer"


@pytest.fixture
def priced(product):
    PriceListItemFactory(price_list=PriceListFactory(kind="market"), product=product, unit_price=Decimal("100.00"))
    return product


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def price_list_viewer():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="pricing", codename="view_pricelist"))
    return user


# --- unknown SKU ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, body", [
    (CALCULATE, {"lines": [{"sku": "NOPE-1", "quantity": "1"}]}),
    ("/api/v1/me/quotes/", {"lines": [{"sku": "NOPE-1", "quantity": "1"}]}),
])
def test_an_unknown_sku_is_catalog_unknown_sku_on_every_api_path(path, body, priced, dealer):
    response = client_for(DealerUserFactory(dealer=dealer, role="owner")).post(path, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "catalog.unknown_sku"
    assert response.json()["fields"]["lines"] == ["Unknown SKU: NOPE-1"]


def test_the_admins_price_preview_refuses_an_unknown_sku_with_the_same_code(priced, dealer):
    with pytest.raises(UnknownSku) as refused:
        selectors.get_price_preview(dealer=dealer, text=f"{priced.sku} 1\nNOPE-1 2")
    assert refused.value.code == "catalog.unknown_sku" and refused.value.field == "lines"


def test_the_price_preview_page_shows_the_unknown_sku_on_its_lines(staff_client, priced, dealer):
    response = staff_client.get(reverse(PREVIEW), {"dealer": dealer.pk, "lines": "NOPE-1 2", "installments": "1"})
    assert response.context["form"].errors["lines"] == ["Unknown SKU: NOPE-1"]


# --- pricing as another dealer --------------------------------------------------------------------------------

def test_who_may_price_as_a_dealer_is_one_function(dealer):
    assert permissions.can_price_as(StaffFactory(), dealer)
    assert permissions.can_price_as(price_list_viewer(), dealer)
    assert permissions.can_price_as(AgentFactory(dealers=[dealer]), dealer)
    assert not permissions.can_price_as(AgentFactory(dealers=[DealerFactory()]), dealer)
    assert not permissions.can_price_as(UserFactory(is_staff=True), dealer)
    assert not permissions.can_price_as(DealerUserFactory(dealer=dealer), dealer)
    agent = AgentFactory(dealers=[dealer])
    assert not permissions.can_price_as(Actor(user=agent, dealer=dealer, on_behalf=True), DealerFactory())
    assert not permissions.can_price_as(StaffFactory(), None)


@pytest.mark.parametrize("who", ["dealer user", "unassigned agent", "staff without the permission"])
def test_the_calculator_refuses_pricing_as_another_dealer_with_the_one_code(who, priced, dealer):
    user = {"dealer user": lambda: DealerUserFactory(dealer=DealerFactory()),
            "unassigned agent": lambda: AgentFactory(dealers=[DealerFactory()]),
            "staff without the permission": lambda: UserFactory(is_staff=True)}[who]()
    response = client_for(user).post(CALCULATE, {"lines": [{"sku": priced.sku, "quantity": "1"}],
                                                 "dealer_code": dealer.code}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == PriceAsNotAllowed.code == "pricing.price_as_not_allowed"
    assert list(response.json()["fields"]) == ["dealer_code"]


def test_a_price_list_viewer_prices_as_any_dealer_in_the_api_and_on_the_admin_page(client, priced, dealer):
    viewer = price_list_viewer()
    body = {"lines": [{"sku": priced.sku, "quantity": "1"}], "dealer_code": dealer.code}
    assert client_for(viewer).post(CALCULATE, body, format="json").json()["lines"][0]["unit_price"] == "100.00"
    client.force_login(viewer)
    page = client.get(reverse(PREVIEW), {"dealer": dealer.pk, "lines": f"{priced.sku} 1", "installments": "1"})
    assert page.status_code == 200 and not page.context["form"].errors and page.context["lines"]


def test_the_admin_page_asks_the_same_function_and_shows_the_same_refusal(staff_client, priced, dealer, monkeypatch):
    monkeypatch.setattr(permissions, "can_price_as", lambda actor, dealer: False)
    page = staff_client.get(reverse(PREVIEW), {"dealer": dealer.pk, "lines": f"{priced.sku} 1", "installments": "1"})
    assert page.context["form"].errors["dealer"] == ["No dealer has this code."]
    assert page.context["lines"] is None
