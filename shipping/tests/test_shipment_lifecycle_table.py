"""Every (from, to) pair of the shipment lifecycle (shipping.models SHIPMENT), through move_shipment: an allowed pair
moves and writes its history row; every other pair is refused with the lifecycle's one code and changes nothing."""
import pytest

from shipping.errors import ShipmentStatusNotAllowed
from shipping.models import SHIPMENT, Shipment, ShipmentStatus
from shipping.services import move_shipment
from shipping.testing import confirmed_order, ship

SS = ShipmentStatus


@pytest.mark.parametrize(("current", "to"), SHIPMENT.pairs(), ids=lambda s: str(s))
def test_every_pair_of_the_shipment_lifecycle(current, to, actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 2, staff=staff)
    shipment = ship(order, staff=staff)
    # A starting point: tests may write a status directly.
    Shipment.objects.filter(pk=shipment.pk).update(status=current)
    shipment.refresh_from_db()
    rows = shipment.history.count()
    if SHIPMENT.allowed(current, to):
        moved = move_shipment(actor=staff, shipment=shipment, to=to)
        assert moved.status == to and Shipment.objects.get(pk=shipment.pk).status == to
        last = shipment.history.order_by("-created_at", "-pk").first()
        assert shipment.history.count() == rows + 1 and (last.from_status, last.to_status) == (current, to)
        assert last.by == staff
    else:
        with pytest.raises(ShipmentStatusNotAllowed) as refused:
            move_shipment(actor=staff, shipment=shipment, to=to)
        assert refused.value.code == "shipping.shipment_status_not_allowed" and refused.value.conflict
        assert Shipment.objects.get(pk=shipment.pk).status == current and shipment.history.count() == rows


def test_the_table_is_the_issues():
    assert SHIPMENT.targets(SS.PREPARING) == [SS.SHIPPED]
    assert SHIPMENT.targets(SS.SHIPPED) == [SS.IN_TRANSIT, SS.RETURNED]
    assert SHIPMENT.targets(SS.IN_TRANSIT) == [SS.OUT_FOR_DELIVERY, SS.RETURNED]
    assert SHIPMENT.targets(SS.OUT_FOR_DELIVERY) == [SS.DELIVERED, SS.DELIVERY_FAILED, SS.RETURNED]
    assert SHIPMENT.targets(SS.DELIVERY_FAILED) == [SS.IN_TRANSIT, SS.RETURNED]
    assert SHIPMENT.targets(SS.DELIVERED) == [] and SHIPMENT.targets(SS.RETURNED) == []
