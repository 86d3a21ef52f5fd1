"""The shipments admin: the add page (order number, then quantities, parcels, carrier or own truck) as staff, a
refusal shown on the form with nothing saved, the change page with its inlines and move buttons."""
from decimal import Decimal

from django.urls import reverse

from orders.models import Order, OrderStatus
from shipping.models import Shipment, ShipmentStatus
from shipping.testing import NATIONAL_ID, CarrierFactory, confirmed_order

ADD = "admin:shipping_shipment_add"


def _form(order, **values):
    line = order.lines.get()
    return {"order_number": order.number, "save": "1", "carrier": "", "driver_name": "", "driver_national_id": "",
            "vehicle_plate": "", "trailer_plate": "", "parcels": "", "note": "", f"line_{line.pk}": "", **values}


def test_the_add_page_asks_for_the_order_then_offers_its_unshipped_rest(staff_client, actor, addresses, panel,
                                                                          staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    first = staff_client.get(reverse(ADD))
    assert first.status_code == 200 and f"line_{line.pk}" not in first.content.decode()
    page = staff_client.post(reverse(ADD), {"order_number": order.number, "continue": "1"})
    assert page.status_code == 200
    assert page.context["form"].fields[f"line_{line.pk}"].initial == Decimal("3.000")
    unknown = staff_client.post(reverse(ADD), {"order_number": "ORD-1999-000000", "continue": "1"})
    assert "ORD-1999-000000" in unknown.context["lookup_error"]
    assert staff_client.get(reverse("admin:shipping_shipment_changelist")).status_code == 200


def test_staff_ship_part_of_an_order_in_two_parcels_by_a_carrier(staff_client, actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    carrier = CarrierFactory(name="Yurtiçi Kargo")
    response = staff_client.post(reverse(ADD), _form(order, carrier=carrier.pk, parcels="YK1, 2.5\nYK2 1,5",
                                                     **{f"line_{line.pk}": "2"}))
    shipment = Shipment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:shipping_shipment_change",
                                                                            args=[shipment.pk])
    assert [(sl.quantity) for sl in shipment.lines.all()] == [Decimal("2.000")]
    assert [(p.tracking_code, p.weight_kg) for p in shipment.parcels.all()] == [
        ("YK1", Decimal("2.500")), ("YK2", Decimal("1.500"))]
    page = staff_client.get(reverse("admin:shipping_shipment_change", args=[shipment.pk]))
    assert page.status_code == 200 and "YK2" in page.content.decode()
    # The page's move button ships it; the order follows.
    moved = staff_client.post(reverse("admin:shipping_shipment_move", args=[shipment.pk, "shipped"]))
    assert moved.status_code == 302
    assert Shipment.objects.get().status == ShipmentStatus.SHIPPED
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PARTIALLY_SHIPPED


def test_the_own_truck_from_the_add_page(staff_client, actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 1, staff=staff)
    response = staff_client.post(reverse(ADD), _form(order, driver_name="Ahmet Yılmaz",
                                                     driver_national_id=NATIONAL_ID, vehicle_plate="34abc123",
                                                     parcels=", 500", **{f"line_{order.lines.get().pk}": "1"}))
    assert response.status_code == 302
    assert Shipment.objects.get().vehicle_plate == "34 ABC 123"


def test_a_refusal_is_shown_on_the_form_and_nothing_is_saved(staff_client, actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    carrier = CarrierFactory()
    over = staff_client.post(reverse(ADD), _form(order, carrier=carrier.pk, parcels="A1, 1",
                                                 **{f"line_{line.pk}": "4"}))
    assert over.status_code == 200
    assert "more than the 3 still to ship" in " ".join(over.context["form"].non_field_errors())
    bad_id = staff_client.post(reverse(ADD), _form(order, driver_name="Ali", driver_national_id="12345678901",
                                                   vehicle_plate="34 ABC 123", parcels=", 5",
                                                   **{f"line_{line.pk}": "1"}))
    assert bad_id.status_code == 200 and bad_id.context["form"].errors["driver_national_id"]
    no_parcel = staff_client.post(reverse(ADD), _form(order, carrier=carrier.pk, **{f"line_{line.pk}": "1"}))
    assert no_parcel.status_code == 200 and no_parcel.context["form"].errors["parcels"]
    assert not Shipment.objects.exists()


def test_the_add_page_names_quantities_with_their_unit_in_the_readers_language(staff_client, actor, addresses,
                                                                                 panel, staff):
    order = confirmed_order(actor, panel, 10, staff=staff)
    staff_client.cookies["django_language"] = "tr"
    page = staff_client.get(reverse(ADD), {"order_number": order.number}).content.decode()
    # "10 adet" (not "10 piece", nor the "1E+1" a normalised Decimal prints).
    assert "Sipariş edilen 10 adet, gönderilecek kalan 10 adet." in page
    assert "piece" not in page and "E+" not in page
