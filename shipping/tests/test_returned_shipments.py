"""A shipment that comes back undelivered (`returned`) no longer counts as shipped: its quantities are to ship again
and the order goes back (to processing, or partially shipped while other goods are still out). A return shipment
(kind `return`, the dealer's goods coming back) never counts for the order."""
from decimal import Decimal

from orders.models import Order, OrderStatus
from shipping.models import Shipment, ShipmentKind, ShipmentLine, ShipmentStatus
from shipping.services import move_shipment, shipped_quantities, short_ship, unshipped_quantities
from shipping.services.shipments import order_status_after
from shipping.testing import confirmed_order, ship

SS = ShipmentStatus
OS = OrderStatus


def _along(shipment, staff, *targets):
    for to in targets:
        shipment = move_shipment(actor=staff, shipment=shipment, to=to)
    return shipment


def _status(order):
    return Order.objects.get(pk=order.pk).status


def test_an_order_whose_only_shipment_came_back_is_processing_again_and_ships_again(actor, addresses, panel, staff):
    # INVOICE_ON=shipped: the returned shipment's invoice is taken back, so the goods are invoiced again as they ship
    # again (test_returned_invoices.py).
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    shipment = _along(ship(order, staff=staff), staff, SS.SHIPPED, SS.IN_TRANSIT)
    assert _status(order) == OS.SHIPPED
    _along(shipment, staff, SS.RETURNED)
    assert _status(order) == OS.PROCESSING
    assert shipped_quantities(order) == {} and unshipped_quantities(order) == {line.pk: Decimal("3.000")}
    history = [(h.from_status, h.to_status) for h in order.history.order_by("created_at", "pk")]
    assert history[-1] == (OS.SHIPPED, OS.PROCESSING)
    again = _along(ship(order, staff=staff), staff, SS.SHIPPED)
    assert _status(order) == OS.SHIPPED
    _along(again, staff, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED)
    assert _status(order) == OS.DELIVERED  # the returned shipment does not hold "delivered" back


def test_one_of_two_shipments_came_back_the_order_is_partially_shipped(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    first = _along(ship(order, {line.pk: 1}, staff=staff), staff, SS.SHIPPED)
    second = _along(ship(order, {line.pk: 2}, staff=staff), staff, SS.SHIPPED)
    assert _status(order) == OS.SHIPPED
    _along(second, staff, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERY_FAILED, SS.RETURNED)
    assert _status(order) == OS.PARTIALLY_SHIPPED
    assert unshipped_quantities(order) == {line.pk: Decimal("2.000")}
    _along(first, staff, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED)
    assert _status(order) == OS.PARTIALLY_SHIPPED
    # The two that came back will not be sent again: the order is complete, and what left has arrived.
    short_ship(actor=staff, order=order, lines={line.pk: 2}, note="The dealer refused the late delivery")
    assert _status(order) == OS.DELIVERED


def test_a_return_shipment_never_counts_for_the_order(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 2, staff=staff)
    line = order.lines.get()
    _along(ship(order, staff=staff), staff, SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED)
    assert _status(order) == OS.DELIVERED
    back = Shipment.objects.create(number="SHP-TEST-RET", order=order, dealer=order.dealer, kind=ShipmentKind.RETURN,
                                   driver_name="x")
    ShipmentLine.objects.create(shipment=back, order_line=line, quantity=Decimal("1"))
    assert shipped_quantities(order) == {line.pk: Decimal("2.000")}
    assert unshipped_quantities(order) == {line.pk: Decimal("0.000")}
    order = Order.objects.get(pk=order.pk)
    for to in (SS.SHIPPED, SS.DELIVERED, SS.RETURNED):
        assert order_status_after(order, back, to) == OS.DELIVERED
