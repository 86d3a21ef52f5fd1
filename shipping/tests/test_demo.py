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
    # Its waybill was issued when it left, not when the demo ran.
    assert delivered.waybill_issued_at == delivered.shipped_at
    # Carriers' parcels have tracking codes; their events were applied and lead to the status, in time order.
    assert not Parcel.objects.filter(shipment__carrier__isnull=False, tracking_code="").exists()
    assert set(TrackingEvent.objects.values_list("state", flat=True)) == {EventState.APPLIED}
    assert list(failed.events.order_by("occurred_at").values_list("status", flat=True)) == [
        "in_transit", "out_for_delivery", "delivery_failed"]
    history = list(failed.history.order_by("created_at", "pk").values_list("to_status", flat=True))
    assert history == ["preparing", "shipped", "in_transit", "out_for_delivery", "delivery_failed"]
    assert failed.history.order_by("-created_at").first().created_at < timezone.now()
    # Each order was placed before its shipments were prepared, and its own history reads in the same time order.
    for order in orders.values():
        first_shipment = order.shipments.order_by("created_at").first()
        assert order.created_at < first_shipment.created_at
        moves = list(order.history.order_by("pk").values_list("created_at", flat=True))
        assert moves == sorted(moves) and moves[-1] < timezone.now()
    delivered_order = orders["ship-demo-1"].history.order_by("pk").last()
    assert delivered_order.to_status == "delivered" and delivered_order.created_at == delivered.delivered_at


# --- cargo insurance and hazardous goods ------------------------------------------------------------------------------

INSURANCE_FIELDS = ("insurance_rate_percent", "insurance_minimum", "insurance_cover_en", "insurance_cover_tr",
                    "insurance_cover_bg", "insurance_cover_vi", "insurance_cover_zh_hans")


def test_express_offers_cargo_insurance_in_every_language_and_a_demo_loaded_before_gets_it(dealer):
    demo.load()
    express = ShippingMethod.objects.get(code="express")
    assert express.offers_insurance
    assert (express.insurance_rate_percent, express.insurance_minimum) == (Decimal("0.50"), Decimal("75.00"))
    covers = [express.insurance_cover(language) for language in ("en", "tr", "bg", "vi", "zh-hans")]
    assert all(covers) and len(set(covers)) == 5
    assert covers[0].startswith("Loss of or damage to the parcels") and covers[1].startswith("Taşıma sırasında")
    # A demo loaded before Express offered insurance: the next load gives it, and creates nothing.
    ShippingMethod.objects.filter(code="express").update(insurance_rate_percent=None, insurance_minimum=None,
                                                         **dict.fromkeys(INSURANCE_FIELDS[2:], ""))
    counts = (Carrier.objects.count(), ShippingMethod.objects.count(), RateRule.objects.count())
    demo.load()
    again = ShippingMethod.objects.get(code="express")
    assert [getattr(again, name) for name in INSURANCE_FIELDS] == [getattr(express, name) for name in INSURANCE_FIELDS]
    assert (Carrier.objects.count(), ShippingMethod.objects.count(), RateRule.objects.count()) == counts
    # Only the methods that offer it: Express and Freight / pallet.
    assert set(ShippingMethod.objects.filter(insurance_rate_percent__isnull=False).values_list(
        "code", flat=True)) == {"express", "freight"}


def test_a_demo_dealer_sees_the_insurance_choice_at_checkout_and_hazardous_goods_only_by_freight(
        signed_in, actor, addresses, market):
    from django.urls import reverse

    from orders.services import add_to_cart
    from orders.testing import priced

    def option(html, code):
        """The checkout's entry of the method `code` (up to the next method's)."""
        return html.split(f'<li data-method="{code}"', 1)[1].split("<li data-method=", 1)[0].split("</ul>\n", 1)[0]

    demo.load()
    lamp = priced(market, "2000.00", sku="DEMO-LAMP", name="Floor lamp", stock_quantity=Decimal("50"),
                  weight_kg=Decimal("3.500"), fragile=True)
    add_to_cart(actor=actor, product=lamp, quantity=2)
    with translation.override("en"):
        html = signed_in.get(reverse("orders:checkout")).content.decode()
    assert 'name="insured"' in html
    express = option(html, "express")
    # 0.5 % of 4,000.00 net is 20.00: the minimum, 75.00.
    assert 'data-insurance="express"' in express and "Cargo insurance available:" in express and "75.00" in express
    assert "What it covers: Loss of or damage to the parcels in transit" in express
    assert "No cargo insurance with this method." in option(html, "standard")

    # A hazardous product (the demo catalog's solar floodlight) goes by Freight / pallet only.
    floodlight = priced(market, "900.00", sku="P-1030-130", name="Solar floodlight", stock_quantity=Decimal("50"),
                        weight_kg=Decimal("1.500"), hazardous=True)
    add_to_cart(actor=actor, product=floodlight, quantity=1)
    with translation.override("en"):
        html = signed_in.get(reverse("orders:checkout")).content.decode()
    for code in ("standard", "express", "own-truck"):
        entry = option(html, code)
        assert entry.startswith(' class="unavailable') and "does not carry hazardous goods (P-1030-130)" in entry
    freight = option(html, "freight")
    assert "Not available" not in freight and 'data-insurance="freight"' in freight


def test_the_demo_catalog_has_fragile_goods_and_a_hazardous_solar_floodlight():
    from catalog import demo as catalog_demo

    assert catalog_demo.shipping_of("LED Paneller", "LP-0700-100")["fragile"]
    hazardous = catalog_demo.shipping_of("Projektörler", "P-1030-130")
    assert hazardous["hazardous"] and hazardous["fragile"]
    assert not catalog_demo.shipping_of("Projektörler", "P-1020-120")["hazardous"]
    assert not catalog_demo.shipping_of("NYM Kablolar", "NK-0030-130")["hazardous"]
