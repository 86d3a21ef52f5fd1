"""The dealer's shipments through the API (issue 14, section 5): list with the page's filters, detail with lines,
parcels and tracking links, events, and the delivery report as JSON or multipart with photos."""
import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalog.testing import png_bytes
from orders.testing import with_addresses
from portal.models import ApiToken
from portal.testing import actor_of
from shipping.models import DeliveryReport, EventState, Shipment, ShipmentStatus, TrackingEvent
from shipping.services import move_shipment
from shipping.testing import CarrierFactory, confirmed_order, ship

SS = ShipmentStatus
pytestmark = pytest.mark.django_db


def _shipped(actor, product, staff, *, quantity=3, parcels=(("YK9", "1.5"),), status=SS.SHIPPED):
    order = confirmed_order(actor, product, quantity, staff=staff)
    carrier = CarrierFactory(code="yurtici", name="Yurtiçi Kargo",
                             tracking_url_template="https://yk.example/track?code={code}")
    shipment = ship(order, staff=staff, carrier=carrier, parcels=parcels)
    path = [SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED]
    if status != SS.PREPARING:
        for to in path[:path.index(status) + 1]:
            shipment = move_shipment(actor=staff, shipment=shipment, to=to)
    return shipment


@pytest.fixture
def api(token_client, owner):
    return token_client(owner, ApiToken.Scope.ACCOUNT)


def test_the_list_has_the_dealers_shipments_with_tracking_links_and_filters(
        api, actor, addresses, panel, staff, other_owner):
    first = _shipped(actor, panel, staff, parcels=(("AA1", "1"),))
    second = _shipped(actor, panel, staff, parcels=(("BB2", "1"),), status=SS.DELIVERED)
    with_addresses(other_owner.dealer)
    theirs = _shipped(actor_of(other_owner), panel, staff)
    body = api.get(reverse("api:me-shipments")).json()
    assert body["count"] == 2 and {row["number"] for row in body["results"]} == {first.number, second.number}
    row = next(r for r in body["results"] if r["number"] == first.number)
    assert row["status"] == "shipped" and row["status_label"] == "Shipped" and row["order"] == first.order.number
    assert row["carrier"] == {"code": "yurtici", "name": "Yurtiçi Kargo"}
    assert row["parcels"] == [{"tracking_code": "AA1", "weight_kg": "1.000",
                               "tracking_url": "https://yk.example/track?code=AA1"}]
    assert theirs.number not in json.dumps(body)
    numbers = lambda **q: {r["number"] for r in api.get(reverse("api:me-shipments"), q).json()["results"]}  # noqa: E731
    assert numbers(status="delivered") == {second.number}
    assert numbers(tracking="aa1") == {first.number}
    assert numbers(order=second.order.number) == {second.number}
    assert numbers(date_from=(timezone.localdate() + datetime.timedelta(days=1)).isoformat()) == set()


def test_the_detail_has_lines_parcels_history_and_whether_delivery_may_be_reported(
        api, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff, status=SS.IN_TRANSIT)
    body = api.get(reverse("api:me-shipment", args=[shipment.number])).json()
    line = shipment.lines.get()
    assert body["lines"] == [{"id": line.pk, "sku": "LED-600", "name": "LED panel 60x60", "quantity": "3.000",
                              "unit": "piece", "unit_label": "piece"}]
    assert [h["status"] for h in body["history"]] == ["preparing", "shipped", "in_transit"]
    assert body["history"][-1]["status_label"] == "In transit" and body["truck"] is None
    assert body["delivery_report"] is None and body["can_report_delivery"] is True
    assert body["parcels"][0]["tracking_url"] == "https://yk.example/track?code=YK9"


def test_events_are_the_applied_and_kept_ones(api, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    now = timezone.now()
    for n, (state, status) in enumerate([(EventState.APPLIED, "in_transit"), (EventState.KEPT, "pre_transit"),
                                         (EventState.UNMATCHED, "exception")]):
        TrackingEvent.objects.create(source="carrier:yurtici", event_id=f"e{n}", carrier=shipment.carrier,
                                     tracking_code="YK9", status=status, state=state, shipment=shipment,
                                     location="Ankara", message=f"event {n}",
                                     occurred_at=now + datetime.timedelta(minutes=n))
    body = api.get(reverse("api:me-shipment-events", args=[shipment.number])).json()
    assert [(e["message"], e["applied"], e["status_label"]) for e in body] == [
        ("event 0", True, "In transit"), ("event 1", False, "Label created")]


def test_delivery_received_as_json(api, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    answer = api.post(reverse("api:me-shipment-delivery", args=[shipment.number]), {"outcome": "received"},
                      format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == "delivered" and body["delivery_report"]["outcome"] == "received"
    assert body["can_report_delivery"] is False
    again = api.post(reverse("api:me-shipment-delivery", args=[shipment.number]), {"outcome": "received"},
                     format="json")
    assert again.status_code == 409 and again.json()["code"] == "shipping.delivery_already_reported"


def test_delivery_problems_by_sku_and_their_refusals(api, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    url = reverse("api:me-shipment-delivery", args=[shipment.number])
    too_many = api.post(url, {"outcome": "problems", "note": "Broken", "problems": [
        {"sku": "led-600", "kind": "damaged", "quantity": "4"}]}, format="json")
    assert too_many.status_code == 400 and too_many.json()["code"] == "shipping.bad_delivery_report"
    assert "problems" in too_many.json()["fields"]
    unknown = api.post(url, {"outcome": "problems", "note": "Broken", "problems": [
        {"sku": "NOPE", "kind": "damaged", "quantity": "1"}]}, format="json")
    assert unknown.status_code == 400
    done = api.post(url, {"outcome": "problems", "note": "Broken", "problems": [
        {"sku": "led-600", "kind": "damaged", "quantity": "1,5"}]}, format="json")
    assert done.status_code == 201
    assert done.json()["delivery_report"]["problems"] == [
        {"line": shipment.lines.get().pk, "sku": "LED-600", "kind": "damaged", "kind_label": "Damaged",
         "quantity": "1.500"}]


def test_delivery_with_photos_as_multipart(api, actor, addresses, panel, staff, signed_in):
    shipment = _shipped(actor, panel, staff)
    line = shipment.lines.get()
    url = reverse("api:me-shipment-delivery", args=[shipment.number])
    bad = api.post(url, {"outcome": "problems", "note": "Wet", "problems": json.dumps(
        [{"line": line.pk, "kind": "damaged", "quantity": "1"}]),
        "photos": [SimpleUploadedFile("x.png", b"not an image at all")]}, format="multipart")
    assert bad.status_code == 400 and bad.json()["code"] == "shipping.bad_delivery_photo"
    answer = api.post(url, {"outcome": "problems", "note": "Wet", "problems": json.dumps(
        [{"line": line.pk, "kind": "damaged", "quantity": "1"}]),
        "photos": [SimpleUploadedFile("a.png", png_bytes((20, 20))), SimpleUploadedFile("b.png", png_bytes((20, 20)))]},
        format="multipart")
    assert answer.status_code == 201, answer.json()
    photos = answer.json()["delivery_report"]["photos"]
    assert len(photos) == 2 and photos[0].startswith("http")
    assert signed_in.get(photos[0]).status_code == 200  # a page of the portal, for its signed-in users
    assert DeliveryReport.objects.get().photos.count() == 2


def test_a_viewer_reads_but_cannot_report(token_client, viewer, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    api = token_client(viewer, ApiToken.Scope.ACCOUNT)
    assert api.get(reverse("api:me-shipment", args=[shipment.number])).json()["can_report_delivery"] is False
    answer = api.post(reverse("api:me-shipment-delivery", args=[shipment.number]), {"outcome": "received"},
                      format="json")
    assert answer.status_code == 403 and answer.json()["code"] == "shipping.delivery_report_not_allowed"
    assert Shipment.objects.get(pk=shipment.pk).status == SS.SHIPPED


def test_a_preparing_shipment_cannot_be_reported(api, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff, status=SS.PREPARING)
    answer = api.post(reverse("api:me-shipment-delivery", args=[shipment.number]), {"outcome": "received"},
                      format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "shipping.delivery_not_reportable"


def test_the_schema_documents_the_dealer_shipment_endpoints(staff_client):
    schema = staff_client.get(reverse("api-schema"), {"format": "json"}).json()
    for path in ["/api/v1/me/shipments/", "/api/v1/me/shipments/{number}/", "/api/v1/me/shipments/{number}/events/",
                 "/api/v1/me/shipments/{number}/delivery/"]:
        assert path in schema["paths"], path
    content = schema["paths"]["/api/v1/me/shipments/{number}/delivery/"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(content)


def test_a_huge_problem_quantity_is_refused_not_a_500(api, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    answer = api.post(reverse("api:me-shipment-delivery", args=[shipment.number]), {
        "outcome": "problems", "note": "Broken", "problems": [{"sku": "led-600", "kind": "damaged",
                                                               "quantity": "1e30"}]}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "shipping.bad_delivery_report"
