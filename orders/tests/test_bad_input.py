"""Bad input on the order paths answers with a clear error and changes nothing, never a 500: quantities the API
sends as text, totals too large for an order, odd line keys on the change form, return quantities finer than the
unit, and a staff move that would skip a company's approval."""
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dealers.testing import StaffFactory
from orders.errors import StatusNotAllowed
from orders.models import Order, OrderStatus, ReturnRequest
from orders.services import changes, ordering
from orders.testing import actor_of, priced


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize("quantity, code", [("abc", "catalog.invalid_quantity"), ("²", "catalog.invalid_quantity"),
                                            ("1e400", "catalog.invalid_quantity"), ("2,5", "catalog.not_whole")])
def test_an_api_order_with_a_bad_quantity_is_refused(owner, addresses, panel, quantity, code):
    response = api(owner).post("/api/v1/me/orders/", {"lines": [{"sku": "LED-600", "quantity": quantity}]},
                               format="json")
    assert response.status_code == 400 and response.json()["code"] == code
    assert not Order.objects.exists()


def test_an_order_too_large_for_its_money_columns_is_refused(owner, addresses, market):
    priced(market, "10000.00", sku="TURBINE-1")
    response = api(owner).post("/api/v1/me/orders/", {"lines": [{"sku": "TURBINE-1", "quantity": "999999999"}]},
                               format="json")
    assert response.status_code == 400 and response.json()["code"] == "orders.quantity_too_large"
    assert "split it" in response.json()["detail"] and not Order.objects.exists()


def test_an_odd_line_key_on_the_change_form_is_a_message(client, owner, addresses, panel):
    order = ordering.place_order(actor=actor_of(owner), lines=[(panel, 2)], checkout=ordering.Checkout())
    client.force_login(owner)
    page = client.post(reverse("orders:order_change", args=[order.number]), {"line-²": "3"}, follow=True)
    assert page.status_code == 200 and "This line is not in the order." in page.content.decode()
    assert order.lines.get().quantity == 2


def test_a_return_finer_than_the_unit_is_refused(owner, addresses, panel):
    order = ordering.place_order(actor=actor_of(owner), lines=[(panel, 2)], checkout=ordering.Checkout())
    staff = StaffFactory()
    for status in ("confirmed", "shipped", "delivered"):
        changes.set_status(actor=staff, order=order, status=status)
    url = f"/api/v1/me/orders/{order.number}/returns/"
    line = order.lines.get()
    tiny = api(owner).post(url, {"line": line.pk, "quantity": "0.0001", "reason": "Broken"}, format="json")
    half = api(owner).post(url, {"line": line.pk, "quantity": "0.5", "reason": "Broken"}, format="json")
    assert tiny.status_code == 400 and "up to three decimals" in tiny.json()["detail"]
    assert half.status_code == 400 and "whole numbers only" in half.json()["detail"]
    assert not ReturnRequest.objects.exists()


def test_staff_cannot_skip_a_companys_approval(buyer, addresses, panel):
    buyer.order_limit = Decimal("10.00")
    buyer.save()
    order = ordering.place_order(actor=actor_of(buyer), lines=[(panel, 2)], checkout=ordering.Checkout())
    with pytest.raises(StatusNotAllowed, match="waits for its company's approver"):
        changes.set_status(actor=StaffFactory(), order=order, status=OrderStatus.PLACED)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_APPROVAL and not any(line.stock_taken for line in order.lines.all())
    # Cancelling it stays possible.
    assert changes.set_status(actor=StaffFactory(), order=order, status=OrderStatus.CANCELLED).status == "cancelled"
