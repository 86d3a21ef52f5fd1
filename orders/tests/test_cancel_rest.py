"""orders' own rules of cancelling the rest of an order (short-shipping; shipping's `short_ship` works out how much
is still to ship and calls `cancel_rest`): only staff, only an order that ships, never more than a line has not
cancelled yet, a note saying why, stock back for what will not ship, one history row and one mail to the dealer."""
from decimal import Decimal

import pytest

from catalog.models import Product
from orders.errors import NotAllowed, RestNotCancellable
from orders.models import Order, OrderStatus
from orders.services import cancel_rest, ordering, set_status
from portal.models import Notification

S = OrderStatus


@pytest.fixture
def order(actor, addresses, panel, staff):
    placed = ordering.place_order(actor=actor, lines=[(panel, 4)], checkout=ordering.Checkout())
    return set_status(actor=staff, order=placed, status=S.CONFIRMED)


def test_staff_cancel_part_of_a_line_and_its_stock_comes_back(order, panel, staff, owner):
    line = order.lines.get()
    moved = cancel_rest(actor=staff, order=order, quantities={line.pk: "1,5"}, note="Broken in the warehouse")
    line.refresh_from_db()
    assert moved.status == S.CONFIRMED
    assert (line.short_shipped_quantity, line.stock_taken) == (Decimal("1.500"), Decimal("2.500"))
    assert Product.objects.get(pk=panel.pk).stock_quantity == Decimal("97.5")
    row = order.history.order_by("-created_at", "-pk").first()
    assert (row.from_status, row.to_status, row.by) == (S.CONFIRMED, S.CONFIRMED, staff)
    assert row.note == "Cancelled, will not ship: LED-600 × 1.5. Broken in the warehouse"
    mail = Notification.objects.get(template="orders/rest_cancelled")
    assert mail.user == owner and mail.context["status_label"] == "Confirmed"


def test_the_order_moves_to_the_status_it_is_given(order, staff):
    line = order.lines.get()
    cancel_rest(actor=staff, order=order, quantities={line.pk: 4}, note="Not made any more", status=S.CANCELLED)
    order = Order.objects.get(pk=order.pk)
    assert order.status == S.CANCELLED and order.lines.get().stock_taken == 0
    assert order.history.order_by("-created_at", "-pk").first().to_status == S.CANCELLED


@pytest.mark.parametrize(("quantity", "note"), [("5", "why"), ("0", "why"), ("x", "why"), ("1", "")])
def test_refusals(order, staff, quantity, note):
    line = order.lines.get()
    with pytest.raises(RestNotCancellable) as refused:
        cancel_rest(actor=staff, order=order, quantities={line.pk: quantity}, note=note)
    assert refused.value.code == "orders.rest_not_cancellable" and refused.value.http_status == 409
    line.refresh_from_db()
    assert line.short_shipped_quantity == 0 and line.stock_taken == Decimal("4.000")


def test_only_staff_and_only_an_order_that_ships(order, actor, staff):
    line = order.lines.get()
    with pytest.raises(NotAllowed):
        cancel_rest(actor=actor, order=order, quantities={line.pk: 1}, note="why")
    set_status(actor=staff, order=order, status=S.CANCELLED)
    with pytest.raises(RestNotCancellable):
        cancel_rest(actor=staff, order=order, quantities={line.pk: 1}, note="why")
