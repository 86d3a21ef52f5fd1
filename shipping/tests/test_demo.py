"""The demo shipping data loads twice without creating anything new, and prices like the README says."""
from decimal import Decimal

from django.utils import translation

from catalog.testing import ProductFactory
from dealers.testing import AddressFactory
from shipping import demo
from shipping.models import Carrier, RateRule, ShippingMethod, ZoneLine
from shipping.services import available_methods


def test_the_demo_loads_twice_and_prices_every_method(dealer):
    demo.load()
    counts = (Carrier.objects.count(), ShippingMethod.objects.count(), RateRule.objects.count(),
              ZoneLine.objects.count())
    demo.load()
    assert (Carrier.objects.count(), ShippingMethod.objects.count(), RateRule.objects.count(),
            ZoneLine.objects.count()) == counts == (4, 4, 12, 4)
    assert Carrier.objects.get(code="yurtici").tracking_url("YK123").endswith("code=YK123")
    address = AddressFactory(dealer=dealer, city="İstanbul", postal_code="34394")
    lines = [(ProductFactory(weight_kg=Decimal("12.000")), Decimal("1"), Decimal("4000.00"))]
    with translation.override("en"):
        answers = {m.code: a for m, a in available_methods(dealer=dealer, address=address, lines=lines)}
    assert answers["standard"].charge_net == Decimal("160.00")
    assert "Free above 10,000.00 TRY net: 6,000.00 TRY to go." in answers["standard"].reasons
    assert answers["express"].charge_net == Decimal("280.00") and answers["express"].free_threshold is None
    assert answers["freight"].charge_net == Decimal("900.00")
    assert answers["own-truck"].charge_net == Decimal("150.00")
    assert ShippingMethod.objects.get(code="freight").insurance_cover("tr").startswith("Taşıma")


# --- shipments in every state ---------------------------------------------------------------------------------------

def test_the_demo_ships_orders_into_every_state_with_events_and_loads_twice(owner, addresses, market, staff):
    from django.utils import timezone

    from orders.models import Order
    from orders.testing import priced
    from shipping.models import EventState, Parcel, Shipment, ShipmentStatus, TrackingEvent

    for n in range(4):
        priced(market, "120.00", sku=f"DEMO-{n}", name=f"Demo product {n}", stock_quantity=Decimal("500"),
               weight_kg=Decimal("2.000"))
    demo.load()
    counts = (Order.objects.count(), Shipment.objects.count(), Parcel.objects.count(), TrackingEvent.objects.count())
    demo.load()
    assert (Order.objects.count(), Shipment.objects.count(), Parcel.objects.count(),
            TrackingEvent.objects.count()) == counts
    assert {s.status for s in Shipment.objects.all()} == set(ShipmentStatus.values)
    orders = {o.idempotency_key: o for o in Order.objects.filter(dealer=owner.dealer)}
    assert orders["ship-demo-1"].status == "delivered"
    assert orders["ship-demo-2"].status == "partially_shipped"  # one shipment on its way, one being prepared
    assert orders["ship-demo-3"].status == "shipped"
    assert orders["ship-demo-6"].status == "processing"  # its shipment came back
    failed = Shipment.objects.get(order=orders["ship-demo-5"])
    assert failed.status == ShipmentStatus.DELIVERY_FAILED
    truck = Shipment.objects.get(order=orders["ship-demo-3"])
    assert truck.carrier is None and truck.vehicle_plate == "34 DMO 481"
    delivered = Shipment.objects.get(order=orders["ship-demo-1"])
    assert delivered.received_by == "Ayşe K." and delivered.delivered_at < timezone.now()
    # Carriers' parcels have tracking codes; their events were applied and lead to the status, in time order.
    assert not Parcel.objects.filter(shipment__carrier__isnull=False, tracking_code="").exists()
    assert set(TrackingEvent.objects.values_list("state", flat=True)) == {EventState.APPLIED}
    assert list(failed.events.order_by("occurred_at").values_list("status", flat=True)) == [
        "in_transit", "out_for_delivery", "delivery_failed"]
    history = list(failed.history.order_by("created_at", "pk").values_list("to_status", flat=True))
    assert history == ["preparing", "shipped", "in_transit", "out_for_delivery", "delivery_failed"]
    assert failed.history.order_by("-created_at").first().created_at < timezone.now()
