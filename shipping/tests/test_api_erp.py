"""The ERP ships orders through the API (issue 14, section 2): POST /api/v1/shipments/ (lines by SKU or line id,
parcels, a carrier or the own truck, `ship` at once), POST /api/v1/shipments/{number}/parcels/ while preparing; scope
shipping:write on a staff token; errors with their codes; Idempotency-Key; documented in OpenAPI; and staff and the
ERP shipping one order at the same moment never ship more than was ordered."""
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order, OrderStatus
from portal.testing import run_together
from shipping.errors import OverShipped
from shipping.models import Shipment, ShipmentStatus
from shipping.services import create_shipment, unshipped_quantities
from shipping.testing import NATIONAL_ID, CarrierFactory, confirmed_order

SHIPMENTS = reverse("api:shipments")
SS = ShipmentStatus


@pytest.fixture
def erp(token_client):
    """The ERP's client: a staff integration user's token with scope shipping:write."""
    return token_client(None, "shipping:write")


@pytest.fixture
def yurtici(db):
    return CarrierFactory(code="yurtici", name="Yurtiçi Kargo", tracking_url_template="https://yk.example/?c={code}")


def _body(of, **values):
    return {"order": of.number, "lines": [{"sku": "led-600", "quantity": "2"}],
            "parcels": [{"tracking_code": "YK1", "weight_kg": "2.5"}, {"tracking_code": "YK2", "weight_kg": "1,5"}],
            "carrier": "yurtici", **values}


def test_the_erp_creates_a_shipment_being_prepared(erp, actor, addresses, panel, staff, yurtici):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    response = erp.post(SHIPMENTS, _body(order), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    shipment = Shipment.objects.get()
    assert body["number"] == shipment.number and body["order"] == order.number
    assert (body["status"], body["status_label"], body["kind"]) == ("preparing", "Preparing", "outbound")
    assert body["carrier"] == {"code": "yurtici", "name": "Yurtiçi Kargo"} and body["truck"] is None
    assert body["lines"] == [{"line": line.pk, "sku": "LED-600", "name": "LED panel 60x60", "quantity": "2.000",
                              "unit": line.unit, "unit_label": "piece"}]
    assert [(p["tracking_code"], p["weight_kg"], p["tracking_url"]) for p in body["parcels"]] == [
        ("YK1", "2.500", "https://yk.example/?c=YK1"), ("YK2", "1.500", "https://yk.example/?c=YK2")]
    assert shipment.created_by == erp.token.user
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CONFIRMED


def test_ship_at_once_by_the_own_truck_and_by_line_id(erp, actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    truck = {"driver_name": "Ahmet Yılmaz", "driver_national_id": NATIONAL_ID, "vehicle_plate": "34abc123",
             "trailer_plate": "06 AB 1234"}
    response = erp.post(SHIPMENTS, {"order": order.number, "lines": [{"line": line.pk, "quantity": "3"}],
                                    "parcels": [{"weight_kg": "500"}], "truck": truck, "ship": True}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "shipped" and body["shipped_at"] is not None
    assert body["truck"] == {"driver_name": "Ahmet Yılmaz", "vehicle_plate": "34 ABC 123",
                             "trailer_plate": "06 AB 1234"}
    assert "driver_national_id" not in str(body)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"order": "ORD-1999-000001"}, 400, "shipping.unknown_order"),
    ({"carrier": "no-such"}, 400, "shipping.unknown_carrier"),
    ({"carrier": ""}, 400, "shipping.carrier_or_truck"),
    ({"lines": [{"sku": "NOPE-1", "quantity": "1"}]}, 400, "shipping.bad_shipment_line"),
    ({"lines": [{"sku": "LED-600", "quantity": "1"}, {"sku": "LED-600", "quantity": "1"}]}, 400,
     "shipping.bad_shipment_line"),
    ({"lines": [{"quantity": "1"}]}, 400, "invalid"),
    ({"lines": [{"sku": "LED-600", "quantity": "4"}]}, 409, "shipping.over_shipped"),
    ({"lines": [{"sku": "LED-600", "quantity": "-1"}]}, 400, "shipping.bad_shipment_line"),
    ({"parcels": [{"tracking_code": "", "weight_kg": "1"}]}, 400, "shipping.bad_parcel"),
    ({"parcels": [{"tracking_code": "X", "weight_kg": "0"}]}, 400, "shipping.bad_parcel"),
    ({"parcels": [{"tracking_code": "X", "weight_kg": "1e30"}]}, 400, "shipping.bad_parcel"),
    ({"parcels": [{"tracking_code": "X", "weight_kg": "10000000"}]}, 400, "shipping.bad_parcel"),
    ({"lines": [{"sku": "LED-600", "quantity": "1e30"}]}, 400, "shipping.bad_shipment_line"),
    ({"parcels": []}, 400, "invalid"),
    ({"truck": {"driver_name": "A", "driver_national_id": "12345678901", "vehicle_plate": "34 A 12"}}, 400,
     "shipping.carrier_or_truck"),
])
def test_refusals_have_their_code_and_make_nothing(erp, actor, addresses, panel, staff, yurtici, change, status,
                                                    code):
    order = confirmed_order(actor, panel, 3, staff=staff)
    response = erp.post(SHIPMENTS, _body(order, **change), format="json")
    assert (response.status_code, response.json()["code"]) == (status, code), response.json()
    assert not Shipment.objects.exists()


def test_the_own_truck_is_checked(erp, actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 3, staff=staff)
    truck = {"driver_name": "A", "driver_national_id": "12345678901", "vehicle_plate": "34 A 12"}
    response = erp.post(SHIPMENTS, _body(order, carrier="", truck=truck), format="json")
    assert (response.status_code, response.json()["code"]) == (400, "shipping.bad_national_id")


def test_an_order_that_does_not_ship_is_a_409(erp, actor, addresses, panel, staff, yurtici):
    from orders.services import ordering

    placed = ordering.place_order(actor=actor, lines=[(panel, 3)], checkout=ordering.Checkout())
    response = erp.post(SHIPMENTS, _body(placed), format="json")
    assert (response.status_code, response.json()["code"]) == (409, "shipping.order_not_shippable")


def test_only_a_staff_token_with_the_scope(token_client, owner, actor, addresses, panel, staff, yurtici, client):
    order = confirmed_order(actor, panel, 3, staff=staff)
    assert token_client(None, "catalog:write").post(SHIPMENTS, _body(order), format="json").status_code == 403
    assert token_client(owner, "account").post(SHIPMENTS, _body(order), format="json").status_code == 403
    assert client.post(SHIPMENTS, _body(order), content_type="application/json").status_code in (401, 403)
    assert not Shipment.objects.exists()


def test_the_same_idempotency_key_ships_once(erp, actor, addresses, panel, staff, yurtici):
    order = confirmed_order(actor, panel, 3, staff=staff)
    first = erp.post(SHIPMENTS, _body(order), format="json", HTTP_IDEMPOTENCY_KEY="erp-42")
    again = erp.post(SHIPMENTS, _body(order), format="json", HTTP_IDEMPOTENCY_KEY="erp-42")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and Shipment.objects.count() == 1
    other = erp.post(SHIPMENTS, _body(order, lines=[{"sku": "LED-600", "quantity": "1"}]), format="json",
                     HTTP_IDEMPOTENCY_KEY="erp-42")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")


def test_parcels_are_added_while_preparing_then_refused(erp, actor, addresses, panel, staff, yurtici):
    from shipping.services import move_shipment

    order = confirmed_order(actor, panel, 3, staff=staff)
    number = erp.post(SHIPMENTS, _body(order), format="json").json()["number"]
    url = reverse("api:shipment-parcels", args=[number])
    added = erp.post(url, {"parcels": [{"tracking_code": "YK3", "weight_kg": "4"}]}, format="json")
    assert added.status_code == 201
    assert [p["tracking_code"] for p in added.json()["parcels"]] == ["YK1", "YK2", "YK3"]
    bad = erp.post(url, {"parcels": [{"tracking_code": "", "weight_kg": "4"}]}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "shipping.bad_parcel")
    move_shipment(actor=staff, shipment=Shipment.objects.get(number=number), to=SS.SHIPPED)
    late = erp.post(url, {"parcels": [{"tracking_code": "YK4", "weight_kg": "4"}]}, format="json")
    assert (late.status_code, late.json()["code"]) == (409, "shipping.parcels_closed")
    assert Shipment.objects.get(number=number).parcels.count() == 3
    assert erp.post(reverse("api:shipment-parcels", args=["SHP-1999-000001"]),
                    {"parcels": [{"tracking_code": "X", "weight_kg": "1"}]}, format="json").status_code == 404


def test_the_openapi_schema_documents_both(staff_client):
    schema = staff_client.get(reverse("api-schema"), {"format": "json"}).json()
    create = schema["paths"]["/api/v1/shipments/"]["post"]
    assert {"201", "400", "403", "409"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    parcels = schema["paths"]["/api/v1/shipments/{number}/parcels/"]["post"]
    assert {"201", "404", "409"} <= set(parcels["responses"])
    assert "shipping.parcels_closed" in parcels["description"]


@pytest.mark.django_db(transaction=True)
def test_staff_and_the_erp_shipping_one_order_at_once_never_ship_more_than_ordered(
        token_client, actor, addresses, panel, staff, yurtici):
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    erp = token_client(None, "shipping:write")
    outcomes = run_together([
        lambda: create_shipment(actor=staff, order=order, lines={line.pk: 2}, parcels=[("P1", 1)], carrier=yurtici),
        lambda: erp.post(SHIPMENTS, _body(order, ship=True), format="json"),
    ])
    staff_made = isinstance(outcomes[0], Shipment)
    erp_status = outcomes[1].status_code
    assert (staff_made, erp_status) in {(True, 409), (False, 201)}, outcomes
    if erp_status == 409:
        assert outcomes[1].json()["code"] == "shipping.over_shipped"
    else:
        assert isinstance(outcomes[0], OverShipped)
    assert Shipment.objects.count() == 1
    assert unshipped_quantities(order) == {line.pk: Decimal("1.000")}
