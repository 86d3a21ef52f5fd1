"""Short-shipping (issue 14, section 2): staff cancel the rest of lines that will never ship. The order closes by
itself (shipped, delivered, or cancelled when nothing left), stock taken for the rest goes back, the dealer is told
why, what a shipment being prepared holds is not cancelled, and only staff do it."""
from decimal import Decimal

import pytest

from catalog.models import Product
from orders.models import Order, OrderStatus
from orders.services import ordering
from portal.models import AuditEntry, Notification
from shipping.errors import BadShipmentLine, NoteMissing, OrderNotShippable, OverShipped, ShipmentNotAllowed
from shipping.models import ShipmentStatus
from shipping.services import line_progress, move_shipment, short_ship, unshipped_quantities
from shipping.testing import confirmed_order, ship

SS = ShipmentStatus
OS = OrderStatus


def _along(shipment, staff, *targets):
    for to in targets:
        shipment = move_shipment(actor=staff, shipment=shipment, to=to)
    return shipment


def _order(order):
    return Order.objects.get(pk=order.pk)


def test_cancelling_the_rest_of_a_partially_shipped_order_ships_it(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 5, staff=staff)
    line = order.lines.get()
    _along(ship(order, {line.pk: 2}, staff=staff), staff, SS.SHIPPED)
    assert _order(order).status == OS.PARTIALLY_SHIPPED
    order = short_ship(actor=staff, order=order, lines={line.pk: 3}, note="Discontinued by the maker")
    assert order.status == OS.SHIPPED and _order(order).status == OS.SHIPPED
    line.refresh_from_db()
    assert line.short_shipped_quantity == Decimal("3.000") and line.quantity == Decimal("5.000")
    assert unshipped_quantities(order) == {line.pk: Decimal("0")}
    last = order.history.order_by("-created_at", "-pk").first()
    assert (last.from_status, last.to_status, last.by) == (OS.PARTIALLY_SHIPPED, OS.SHIPPED, staff)
    assert "LED-600 × 3" in last.note and "Discontinued by the maker" in last.note
    assert AuditEntry.objects.filter(action="order.rest_cancelled", target_id=str(order.pk)).exists()
    mail = Notification.objects.get(template="orders/rest_cancelled")
    assert mail.context["lines"] == [{"sku": "LED-600", "name": "LED panel 60x60", "quantity": "3"}]
    assert mail.context["note"] == "Discontinued by the maker"
    # Nothing is left to ship: another shipment is refused.
    with pytest.raises(OrderNotShippable):
        ship(order, {line.pk: 1}, staff=staff)


def test_when_what_left_has_arrived_the_order_is_delivered(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 4, staff=staff)
    line = order.lines.get()
    _along(ship(order, {line.pk: 1}, staff=staff), staff, SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY,
           SS.DELIVERED)
    assert _order(order).status == OS.PARTIALLY_SHIPPED
    short_ship(actor=staff, order=order, lines={line.pk: 3}, note="Out of production")
    assert _order(order).status == OS.DELIVERED


def test_cancelling_everything_before_anything_left_cancels_the_order_and_gives_the_stock_back(
        actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    assert Product.objects.get(pk=panel.pk).stock_quantity == 97
    order = short_ship(actor=staff, order=order, lines={line.pk: 3}, note="Cannot be sourced")
    assert order.status == OS.CANCELLED
    line.refresh_from_db()
    assert (line.short_shipped_quantity, line.stock_taken) == (Decimal("3.000"), Decimal("0.000"))
    assert Product.objects.get(pk=panel.pk).stock_quantity == 100


def test_part_cancelled_first_then_the_rest_ships_whole(actor, addresses, panel, market, staff):
    from orders.testing import priced

    cable = priced(market, "10.00", sku="CBL-1", name="Cable")
    order = ordering.place_order(actor=actor, lines=[(panel, 4), (cable, 10)], checkout=ordering.Checkout())
    from orders.services import set_status

    order = set_status(actor=staff, order=order, status=OS.CONFIRMED)
    led, cbl = order.lines.order_by("sku")[1], order.lines.order_by("sku")[0]
    assert (led.sku, cbl.sku) == ("LED-600", "CBL-1")
    order = short_ship(actor=staff, order=order, lines={led.pk: 1, cbl.pk: "0"}, note="One panel was broken")
    assert order.status == OS.CONFIRMED  # nothing has left yet, and not everything is cancelled
    assert Product.objects.get(pk=panel.pk).stock_quantity == 97  # 4 taken, 1 given back
    assert unshipped_quantities(order) == {led.pk: Decimal("3.000"), cbl.pk: Decimal("10.000")}
    shipment = _along(ship(order, {led.pk: 3, cbl.pk: 10}, staff=staff), staff, SS.SHIPPED)
    assert _order(order).status == OS.SHIPPED  # the cancelled panel counts as done
    _along(shipment, staff, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED)
    assert _order(order).status == OS.DELIVERED
    rows = {row.line.sku: (row.ordered, row.left, row.cancelled, row.to_ship) for row in line_progress(order)}
    assert rows["LED-600"] == (Decimal("4.000"), Decimal("3.000"), Decimal("1.000"), Decimal("0.000"))


def test_stock_of_a_backorder_goes_back_only_for_what_was_taken(actor, addresses, market, staff):
    from orders.testing import priced

    lamp = priced(market, "50.00", sku="LMP-1", name="Lamp", stock_quantity=Decimal("4"), allow_backorder=True)
    order = confirmed_order(actor, lamp, 10, staff=staff)
    line = order.lines.get()
    assert line.stock_taken == Decimal("4.000") and Product.objects.get(pk=lamp.pk).stock_quantity == 0
    _along(ship(order, {line.pk: 3}, staff=staff), staff, SS.SHIPPED)
    short_ship(actor=staff, order=order, lines={line.pk: 7}, note="The rest is not made any more")
    line.refresh_from_db()
    # 3 shipped of the 4 taken: the one taken for the cancelled rest goes back, the backordered 6 were never taken.
    assert line.stock_taken == Decimal("3.000") and Product.objects.get(pk=lamp.pk).stock_quantity == 1
    assert _order(order).status == OS.SHIPPED


def test_what_a_shipment_being_prepared_holds_is_not_cancelled(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    ship(order, {line.pk: 2}, staff=staff)  # preparing
    with pytest.raises(OverShipped) as refused:
        short_ship(actor=staff, order=order, lines={line.pk: 2}, note="x")
    assert refused.value.code == "shipping.over_shipped" and "1" in str(refused.value.message)
    order = short_ship(actor=staff, order=order, lines={line.pk: 1}, note="Last one is damaged")
    assert order.status == OS.CONFIRMED  # the shipment has not left
    line.refresh_from_db()
    assert line.short_shipped_quantity == Decimal("1.000")


@pytest.mark.parametrize(("quantity", "note", "error"), [
    ("0", "why", BadShipmentLine), ("-1", "why", BadShipmentLine), ("1.0001", "why", BadShipmentLine),
    ("4", "why", OverShipped), ("1", "  ", NoteMissing)])
def test_refusals_change_nothing(actor, addresses, panel, staff, quantity, note, error):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    with pytest.raises(error):
        short_ship(actor=staff, order=order, lines={line.pk: quantity}, note=note)
    line.refresh_from_db()
    assert line.short_shipped_quantity == 0 and _order(order).status == OS.CONFIRMED
    assert not Notification.objects.filter(template="orders/rest_cancelled").exists()


def test_only_staff_cancel_the_rest_and_only_of_a_shipping_order(actor, addresses, panel, staff):
    order = ordering.place_order(actor=actor, lines=[(panel, 2)], checkout=ordering.Checkout())
    line = order.lines.get()
    with pytest.raises(OrderNotShippable):  # placed, not confirmed yet
        short_ship(actor=staff, order=order, lines={line.pk: 1}, note="why")
    with pytest.raises(ShipmentNotAllowed) as refused:
        short_ship(actor=actor, order=order, lines={line.pk: 1}, note="why")
    assert refused.value.http_status == 403
    with pytest.raises(BadShipmentLine):  # a line of another order
        confirmed = confirmed_order(actor, panel, 1, staff=staff)
        short_ship(actor=staff, order=confirmed, lines={line.pk: 1}, note="why")


def test_after_short_shipping_the_credit_exposure_drops(actor, addresses, panel, staff):
    """What will never ship no longer counts against the dealer's credit (payments' exposure)."""
    from payments.services.credit import exposure

    order = confirmed_order(actor, panel, 5, staff=staff)
    line = order.lines.get()
    _along(ship(order, {line.pk: 2}, staff=staff), staff, SS.SHIPPED)
    before = exposure(order.dealer)
    short_ship(actor=staff, order=order, lines={line.pk: 3}, note="Discontinued")
    after = exposure(order.dealer)
    unit_gross = (line.line_net + line.line_vat) / line.quantity
    assert after < before
    assert before - after == (unit_gross * 3).quantize(Decimal("0.01"))


def test_an_order_whose_every_line_is_in_a_shipment_has_nothing_left_to_ship(actor, addresses, panel, staff):
    from shipping.services import not_shippable_reason

    order = confirmed_order(actor, panel, 2, staff=staff)
    assert not_shippable_reason(order) == ""
    ship(order, staff=staff)  # all of it, being prepared
    assert "Nothing of order" in not_shippable_reason(order)
    with pytest.raises(OverShipped):
        short_ship(actor=staff, order=order, lines={order.lines.get().pk: 1}, note="why")
