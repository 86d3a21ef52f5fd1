"""Every (from, to) pair of the order's and the return's lifecycles (orders.models ORDER and RETURN), through the
services that make the moves: an allowed pair moves and writes its history row; every other pair is refused with
the lifecycle's one error code and changes nothing (issue 13)."""
import pytest
from django.db import transaction

from orders.errors import ReturnStatusNotAllowed, StatusNotAllowed
from orders.models import ORDER, RETURN, Order, OrderStatus, ReturnRequest, ReturnStatus
from orders.services import changes, ordering, returns
from orders.testing import actor_of

S = OrderStatus
R = ReturnStatus


def _order_in(actor, panel, status):
    """A placed order of the dealer, put in `status` as a starting point (tests may write a status directly)."""
    order = ordering.place_order(actor=actor, lines=[(panel, 1)], checkout=ordering.Checkout())
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


def _move_order(order, to, *, staff, approver):
    """The service that makes this move: the dealer's approver places a waiting order; staff make every other move."""
    if order.status == S.PENDING_APPROVAL and to == S.PLACED:
        return ordering.approve_order(actor=actor_of(approver), order=order)
    return changes.set_status(actor=staff, order=order, status=to)


@pytest.mark.parametrize(("current", "to"), ORDER.pairs(), ids=lambda s: str(s))
def test_every_pair_of_the_order_lifecycle(current, to, actor, approver, addresses, panel, staff):
    order = _order_in(actor, panel, current)
    rows = order.history.count()
    if ORDER.allowed(current, to):
        moved = _move_order(order, to, staff=staff, approver=approver)
        assert moved.status == to
        assert Order.objects.get(pk=order.pk).status == to
        last = order.history.order_by("-created_at", "-pk").first()
        assert order.history.count() == rows + 1 and (last.from_status, last.to_status) == (current, to)
    else:
        with pytest.raises(StatusNotAllowed) as refused:
            _move_order(order, to, staff=staff, approver=approver)
        assert refused.value.code == "orders.status_not_allowed" and refused.value.conflict
        assert Order.objects.get(pk=order.pk).status == current and order.history.count() == rows


def test_placing_a_waiting_order_is_the_approvers_move_not_staffs(actor, approver, addresses, panel, staff):
    order = _order_in(actor, panel, S.PENDING_APPROVAL)
    assert S.PLACED not in changes.staff_moves(S.PENDING_APPROVAL)
    with pytest.raises(StatusNotAllowed) as refused:
        changes.set_status(actor=staff, order=order, status=S.PLACED)
    assert refused.value.code == "orders.status_not_allowed"
    assert Order.objects.get(pk=order.pk).status == S.PENDING_APPROVAL
    assert ordering.approve_order(actor=actor_of(approver), order=order).status == S.PLACED


def test_staff_moves_are_the_table_less_the_approvers_move():
    for status in S:
        expected = [to for to in ORDER.targets(status) if (status, to) != (S.PENDING_APPROVAL, S.PLACED)]
        assert changes.staff_moves(status) == expected


def test_a_shipped_order_may_go_back_when_its_goods_come_back():
    """A shipment that comes back undelivered (shipping's `returned`) puts its goods back to "to ship": a shipped
    order becomes partially shipped (other goods are still out) or processing (nothing is out any more), a partially
    shipped one processing. Nothing goes back from delivered, cancelled or rejected."""
    assert {S.PARTIALLY_SHIPPED, S.PROCESSING} <= set(ORDER.targets(S.SHIPPED))
    assert S.PROCESSING in ORDER.targets(S.PARTIALLY_SHIPPED)
    assert ORDER.targets(S.DELIVERED) == [] and ORDER.targets(S.CANCELLED) == [] and ORDER.targets(S.REJECTED) == []


def test_a_sub_status_within_the_same_status_is_a_history_row_without_a_move(actor, addresses, panel, staff):
    from orders.models import SubStatus

    order = _order_in(actor, panel, S.PROCESSING)
    packed = SubStatus.objects.create(code="packed", name_en="Packed", status=S.PROCESSING)
    order = changes.set_status(actor=staff, order=order, status=S.PROCESSING, sub_status=packed)
    last = order.history.order_by("-created_at", "-pk").first()
    assert order.status == S.PROCESSING and order.sub_status == packed
    assert (last.from_status, last.to_status, last.sub_status) == (S.PROCESSING, S.PROCESSING, packed)


# --- returns ------------------------------------------------------------------------------------------------------

@pytest.fixture
def rma(actor, addresses, panel, staff):
    """A requested return of a delivered (and invoiced) order's line."""
    order = ordering.place_order(actor=actor, lines=[(panel, 3)], checkout=ordering.Checkout())
    for status in (S.CONFIRMED, S.SHIPPED, S.DELIVERED):
        order = changes.set_status(actor=staff, order=order, status=status)
    return returns.request_return(actor=actor, line=order.lines.get(), quantity=1, reason="Broken")


def _move_return(rma, to, *, staff):
    """The service that makes this move (staff approve, reject, receive the goods); nothing moves a return back to "requested", so
    that pair is asked of the lifecycle itself."""
    if to == R.APPROVED:
        return returns.approve_return(actor=staff, rma=rma)
    if to == R.REJECTED:
        return returns.reject_return(actor=staff, rma=rma, note="Used")
    if to == R.RECEIVED:
        return returns.receive_return(actor=staff, rma=rma)
    with transaction.atomic():
        locked = ReturnRequest.objects.select_for_update().get(pk=rma.pk)
        RETURN.move(locked, to=to, actor=staff)
    return locked


@pytest.mark.parametrize(("current", "to"), RETURN.pairs(), ids=lambda s: str(s))
def test_every_pair_of_the_return_lifecycle(current, to, rma, staff):
    assert [(c.from_status, c.to_status) for c in rma.history.all()] == [("", R.REQUESTED)]
    ReturnRequest.objects.filter(pk=rma.pk).update(status=current)
    rma.refresh_from_db()
    rows = rma.history.count()
    if RETURN.allowed(current, to):
        moved = _move_return(rma, to, staff=staff)
        assert moved.status == to and ReturnRequest.objects.get(pk=rma.pk).status == to
        last = rma.history.order_by("-created_at", "-pk").first()
        assert rma.history.count() == rows + 1 and (last.from_status, last.to_status, last.by) == (current, to, staff)
    else:
        with pytest.raises(ReturnStatusNotAllowed) as refused:
            _move_return(rma, to, staff=staff)
        assert refused.value.code == "orders.return_status_not_allowed" and refused.value.conflict
        assert ReturnRequest.objects.get(pk=rma.pk).status == current and rma.history.count() == rows
