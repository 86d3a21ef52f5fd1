"""Shipments (issue 14, section 2): partial shipments move the order, over-shipping is refused (also by two staff at
the same moment), the own truck's driver and plate are checked, only staff ship."""
from decimal import Decimal

import pytest

from orders.models import Order, OrderStatus
from orders.services import set_status
from portal.testing import run_together
from shipping.errors import (
    BadNationalId,
    BadParcel,
    BadPlate,
    CarrierOrTruck,
    OrderNotShippable,
    OverShipped,
    ShipmentNotAllowed,
)
from shipping.models import Shipment, ShipmentStatus
from shipping.services import create_shipment, move_shipment, normalise_plate, unshipped_quantities, valid_national_id
from shipping.testing import NATIONAL_ID, TRUCK, CarrierFactory, confirmed_order, ship

SS = ShipmentStatus
OS = OrderStatus


def _along(shipment, staff, *targets):
    for to in targets:
        shipment = move_shipment(actor=staff, shipment=shipment, to=to)
    return shipment


def test_a_shipment_has_its_number_lines_parcels_and_first_history_row(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    carrier = CarrierFactory(tracking_url_template="https://t.example/{code}")
    shipment = create_shipment(actor=staff, order=order, lines={line.pk: "1.5"}, carrier=carrier,
                               parcels=[("AB1", "2.5"), ("AB2", Decimal("1"))])
    assert shipment.number.startswith("SHP-") and shipment.status == SS.PREPARING
    assert shipment.dealer == order.dealer and shipment.created_by == staff
    assert [(sl.order_line, sl.quantity) for sl in shipment.lines.all()] == [(line, Decimal("1.500"))]
    assert [(p.tracking_code, p.weight_kg, p.tracking_url()) for p in shipment.parcels.all()] == [
        ("AB1", Decimal("2.500"), "https://t.example/AB1"), ("AB2", Decimal("1.000"), "https://t.example/AB2")]
    assert [(h.from_status, h.to_status) for h in shipment.history.all()] == [("", SS.PREPARING)]
    assert unshipped_quantities(order) == {line.pk: Decimal("1.500")}
    assert Order.objects.get(pk=order.pk).status == OS.CONFIRMED  # preparing has not left yet


def test_a_partial_shipment_makes_the_order_partially_shipped_then_shipped_then_delivered(
        actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    first = ship(order, {line.pk: 1}, staff=staff)
    first = _along(first, staff, SS.SHIPPED)
    assert first.shipped_at is not None
    assert Order.objects.get(pk=order.pk).status == OS.PARTIALLY_SHIPPED
    second = ship(order, {line.pk: 2}, staff=staff)
    assert Order.objects.get(pk=order.pk).status == OS.PARTIALLY_SHIPPED
    second = _along(second, staff, SS.SHIPPED)
    assert Order.objects.get(pk=order.pk).status == OS.SHIPPED
    _along(first, staff, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED)
    assert Order.objects.get(pk=order.pk).status == OS.SHIPPED  # one shipment still on its way
    second = _along(second, staff, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERY_FAILED, SS.IN_TRANSIT,
                    SS.OUT_FOR_DELIVERY, SS.DELIVERED)
    assert second.delivered_at is not None
    order = Order.objects.get(pk=order.pk)
    assert order.status == OS.DELIVERED
    assert [h.to_status for h in order.history.order_by("created_at", "pk")][-3:] == [
        OS.PARTIALLY_SHIPPED, OS.SHIPPED, OS.DELIVERED]
    assert [h.to_status for h in second.history.all()] == [
        SS.PREPARING, SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERY_FAILED, SS.IN_TRANSIT,
        SS.OUT_FOR_DELIVERY, SS.DELIVERED]


def test_a_processing_order_shipped_whole_becomes_shipped(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 2, staff=staff)
    set_status(actor=staff, order=order, status=OS.PROCESSING)
    _along(ship(order, staff=staff), staff, SS.SHIPPED)
    assert Order.objects.get(pk=order.pk).status == OS.SHIPPED


def test_shipping_more_than_the_unshipped_rest_is_refused(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    with pytest.raises(OverShipped) as refused:
        ship(order, {line.pk: "3.001"}, staff=staff)
    assert refused.value.code == "shipping.over_shipped" and refused.value.conflict
    ship(order, {line.pk: 2}, staff=staff)
    with pytest.raises(OverShipped):
        ship(order, {line.pk: "1.5"}, staff=staff)
    assert Shipment.objects.filter(order=order).count() == 1
    ship(order, {line.pk: 1}, staff=staff)
    assert unshipped_quantities(order) == {line.pk: Decimal("0")}


def test_a_placed_or_cancelled_order_does_not_ship(actor, addresses, panel, staff):
    from orders.services import ordering

    order = ordering.place_order(actor=actor, lines=[(panel, 1)], checkout=ordering.Checkout())
    with pytest.raises(OrderNotShippable):
        ship(order, staff=staff)
    set_status(actor=staff, order=order, status=OS.CANCELLED)
    with pytest.raises(OrderNotShippable):
        ship(order, staff=staff)
    assert not Shipment.objects.exists()


def test_only_staff_ship(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 1, staff=staff)
    with pytest.raises(ShipmentNotAllowed) as refused:
        ship(order, staff=actor)
    assert refused.value.http_status == 403
    shipment = ship(order, staff=staff)
    with pytest.raises(ShipmentNotAllowed):
        move_shipment(actor=actor, shipment=shipment, to=SS.SHIPPED)


def test_the_own_truck_needs_driver_national_id_and_a_turkish_plate(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 1, staff=staff)
    for wrong, error in [({"driver_name": " "}, CarrierOrTruck), ({"driver_national_id": "12345678901"}, BadNationalId),
                         ({"driver_national_id": "0000000014"}, BadNationalId), ({"vehicle_plate": "99 X 1"}, BadPlate),
                         ({"trailer_plate": "ABC"}, BadPlate)]:
        with pytest.raises(error):
            ship(order, staff=staff, truck={**TRUCK, **wrong})
    with pytest.raises(CarrierOrTruck):  # both
        ship(order, staff=staff, truck=TRUCK, carrier=CarrierFactory())
    assert not Shipment.objects.exists()
    shipment = ship(order, staff=staff, truck={**TRUCK, "trailer_plate": "06-ab-1234"}, parcels=[("", "500")])
    assert (shipment.carrier, shipment.driver_national_id, shipment.vehicle_plate, shipment.trailer_plate) == (
        None, NATIONAL_ID, "34 ABC 123", "06 AB 1234")
    assert shipment.own_truck


def test_parcels_are_checked(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 1, staff=staff)
    for parcels in [(), [("X", "0")], [("X", "abc")], [("", "1")]]:
        with pytest.raises(BadParcel):
            ship(order, staff=staff, parcels=parcels)
    assert not Shipment.objects.exists()


def test_national_id_and_plate_rules():
    assert valid_national_id(NATIONAL_ID) and not valid_national_id("10000000147")
    assert not valid_national_id("1000000014a") and not valid_national_id("01000000146")
    assert normalise_plate("34abc123") == "34 ABC 123" and normalise_plate("81 z 12") == "81 Z 12"
    with pytest.raises(BadPlate):
        normalise_plate("82 A 123")


@pytest.mark.django_db(transaction=True)
def test_two_staff_shipping_one_order_at_once_never_ship_more_than_ordered(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    carrier = CarrierFactory()
    outcomes = run_together([
        lambda: create_shipment(actor=staff, order=order, lines={line.pk: 2}, parcels=[("P1", 1)], carrier=carrier),
        lambda: create_shipment(actor=staff, order=order, lines={line.pk: 2}, parcels=[("P2", 1)], carrier=carrier),
    ])
    made = [o for o in outcomes if isinstance(o, Shipment)]
    refused = [o for o in outcomes if isinstance(o, OverShipped)]
    assert len(made) == 1 and len(refused) == 1, outcomes
    assert unshipped_quantities(order) == {line.pk: Decimal("1.000")}


def test_a_shipment_of_an_order_cancelled_meanwhile_does_not_leave(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 2, staff=staff)
    shipment = ship(order, staff=staff)
    set_status(actor=staff, order=order, status=OS.CANCELLED)
    with pytest.raises(OrderNotShippable):
        move_shipment(actor=staff, shipment=shipment, to=SS.SHIPPED)
    assert Shipment.objects.get(pk=shipment.pk).status == SS.PREPARING
    assert Order.objects.get(pk=order.pk).status == OS.CANCELLED


def test_the_orders_history_note_is_in_the_dealers_language_whoever_moved_it(actor, owner, addresses, panel, staff):
    owner.language = "tr"
    owner.save(update_fields=["language"])
    order = confirmed_order(actor, panel, 2, staff=staff)
    shipment = ship(order, staff=staff)
    move_shipment(actor=staff, shipment=shipment, to=SS.SHIPPED)  # staff in English, the dealer reads Turkish
    note = order.history.order_by("-pk").values_list("note", flat=True).first()
    assert shipment.number in note and "Yola çıktı" in note and "Shipped" not in note
