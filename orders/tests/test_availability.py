"""Stock said before the last click (catalog.availability): quick order and the cart refuse what cannot be delivered
at once, by line; the cart and the checkout review flag a line whose stock fell below its quantity, with what can be
delivered; placing it stays refused by take_stock."""
from decimal import Decimal

import pytest
from django.urls import reverse

from orders import services
from orders.models import Order
from orders.testing import CartFactory, CartLineFactory, actor_of, cart_of, priced

pytestmark = pytest.mark.django_db
D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}



@pytest.fixture
def gone(market):
    """No stock, no backorder: not available."""
    return priced(market, "10.00", sku="GONE-1", name="Sold out lamp", stock_quantity=D(0), allow_backorder=False,
                  lead_time_days=14)


@pytest.fixture
def few(market):
    """6 in stock, no backorder."""
    return priced(market, "20.00", sku="FEW-1", name="Last driver", stock_quantity=D(6), allow_backorder=False)


@pytest.fixture
def later(market):
    """2 in stock, the rest in 7 days."""
    return priced(market, "30.00", sku="LATER-1", name="Made to order", stock_quantity=D(2), allow_backorder=True,
                  lead_time_days=7)



def test_quick_order_refuses_what_cannot_be_delivered_by_line_and_says_what_can(actor, gone, few, later):
    result = services.add_quick_order(actor=actor, text="GONE-1 1\nFEW-1 9\nLATER-1 5\nFEW-1 4")
    assert [(p.line, p.sku, p.code) for p in result.problems] == [
        (1, "GONE-1", "catalog.not_available"), (2, "FEW-1", "catalog.not_enough_stock")]
    assert result.problems[0].message == "Not available. Out of stock and not available on backorder."
    assert result.problems[1].message == "Only 6 pieces can be delivered."
    assert cart_of(actor) == {"LATER-1": D(5), "FEW-1": D(4)}  # backorder: all of it; 4 of 6: fine
    again = services.add_quick_order(actor=actor, text="FEW-1 4")  # 8 in all
    assert again.problems[0].message == "Only 6 pieces can be delivered; 4 pieces already in the cart."
    assert cart_of(actor)["FEW-1"] == D(4)


def test_quick_order_page_shows_the_refusal_at_once(signed_in, owner, gone):
    html = signed_in.post(reverse("orders:quick_order"), {"lines": "GONE-1 1"}).content.decode()
    assert 'data-code="catalog.not_available"' in html and "Not available." in html
    assert cart_of(actor_of(owner)) == {}


def test_add_to_cart_button_refuses_a_product_that_is_not_available(signed_in, owner, gone, few):
    response = signed_in.post(reverse("orders:cart_add"), {"sku": gone.sku, "quantity": "1"}, **HTMX)
    assert "Not available." in response.content.decode()
    response = signed_in.post(reverse("orders:cart_add"), {"sku": few.sku, "quantity": "7"}, **HTMX)
    assert "Only 6 pieces can be delivered." in response.content.decode()
    assert cart_of(actor_of(owner)) == {}


def test_cart_flags_a_line_above_what_can_be_delivered_and_offers_no_checkout(signed_in, owner, dealer, few, later):
    cart = CartFactory(user=owner, dealer=dealer)
    CartLineFactory(cart=cart, product=few, quantity=D(5))
    CartLineFactory(cart=cart, product=later, quantity=D(5))
    few.stock_quantity = D(3)  # another order took stock meanwhile
    few.save()
    html = signed_in.get(reverse("orders:cart")).content.decode()
    assert "Only 3 pieces can be delivered." in html and 'id="cart-not-orderable"' in html
    assert 'id="to-checkout"' not in html
    assert "2 pieces from stock, 3 pieces ships in 7 days." in html  # a backorder line is fine, and says when


def test_checkout_review_flags_the_line_disables_placing_and_placing_is_refused(signed_in, owner, dealer, few,
                                                                              addresses):
    cart = CartFactory(user=owner, dealer=dealer)
    CartLineFactory(cart=cart, product=few, quantity=D(5))
    few.stock_quantity = D(3)
    few.save()
    form = {"shipping_address": addresses[0].pk, "billing_address": addresses[1].pk, "shipping_method": "standard",
            "payment_method": "on_account", "po_number": "", "notes": "", "requested_delivery_date": "",
            "token": "tok-1"}
    html = signed_in.post(reverse("orders:checkout"), {**form, "step": "review"}).content.decode()
    assert "Only 3 pieces can be delivered." in html
    assert 'id="place-order" disabled' in html
    signed_in.post(reverse("orders:checkout"), {**form, "step": "place"})  # a forced submit: the last guard
    assert not Order.objects.exists()


def test_cart_api_refuses_with_409_and_flags_the_line_with_what_can_be_delivered(owner, dealer, few):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(owner)
    refused = api.post(reverse("api:me-cart-lines"), {"sku": few.sku, "quantity": "7"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "catalog.not_enough_stock"
    assert refused.json()["detail"] == "Only 6 pieces can be delivered."
    assert api.post(reverse("api:me-cart-lines"), {"sku": few.sku, "quantity": "5"}, format="json").status_code == 201
    few.stock_quantity = D(3)
    few.save()
    body = api.get(reverse("api:me-cart")).json()
    assert body["lines"][0]["problem"] == "Only 3 pieces can be delivered." and body["orderable"] is False
