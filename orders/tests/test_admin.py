"""The orders admin: lists with search by SKU and PO, actions that call the status and return services."""
import pytest
from django.urls import reverse

from dealers.tests.factories import StaffFactory
from orders.models import OrderStatus, ReturnStatus, SubStatus
from orders.services import changes, ordering, returns

from .conftest import actor_of, with_addresses


@pytest.fixture
def staff_client(client, db):
    staff = StaffFactory()
    client.force_login(staff)
    client.staff = staff
    return client


@pytest.fixture
def order(owner, dealer, panel):
    with_addresses(dealer)
    return ordering.place_order(actor=actor_of(owner), lines=[(panel, 2)],
                                checkout=ordering.Checkout(po_number="PO-ADMIN-1"))


def test_order_list_searches_by_sku_po_and_number(staff_client, order):
    url = reverse("admin:orders_order_changelist")
    for q in ("LED-600", "PO-ADMIN", order.number):
        assert order.number in staff_client.get(url, {"q": q}).content.decode()
    assert order.number not in staff_client.get(url, {"q": "NOTHING-LIKE-IT"}).content.decode()
    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "LED-600" in page and "Placed" in page


def test_confirm_action_moves_the_order_and_writes_history(staff_client, order):
    response = staff_client.post(reverse("admin:orders_order_changelist"),
                                 {"action": "confirm_selected", "_selected_action": [order.pk]}, follow=True)
    assert "1 orders changed." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED and order.history.last().by == staff_client.staff


def test_set_status_asks_then_applies_with_a_sub_status(staff_client, order):
    packed = SubStatus.objects.create(code="packed", name_en="Packed", status=OrderStatus.PROCESSING)
    url = reverse("admin:orders_order_changelist")
    page = staff_client.post(url, {"action": "set_status_selected", "_selected_action": [order.pk]})
    assert page.status_code == 200 and "Sub-status" in page.content.decode()
    staff_client.post(url, {"action": "set_status_selected", "_selected_action": [order.pk], "apply": "1",
                            "status": "processing", "sub_status": packed.pk, "note": "on the line"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING and order.sub_status == packed


def test_a_refused_move_is_reported_not_applied(staff_client, order):
    response = staff_client.post(reverse("admin:orders_order_changelist"), {
        "action": "set_status_selected", "_selected_action": [order.pk], "apply": "1", "status": "delivered"},
        follow=True)
    assert "cannot go from" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_returns_are_approved_from_the_admin(staff_client, order, owner):
    for status in ("confirmed", "shipped", "delivered"):
        changes.set_status(by=staff_client.staff, order=order, status=status)
    rma = returns.request_return(actor=actor_of(owner), line=order.lines.get(), quantity=1, reason="Cracked")
    url = reverse("admin:orders_returnrequest_changelist")
    staff_client.post(url, {"action": "approve_selected", "_selected_action": [rma.pk], "apply": "1", "note": "ok"})
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.APPROVED and order.lines.get().returned_quantity == 1
