"""Tracking from carriers and the ERP (issue 14, section 4): the signed webhook (signature, replay, nothing stored
when refused), the ERP's events API, deduplication by (source, event id), matching by (carrier, tracking code) of an
open shipment, never moving a shipment backwards."""
import datetime
import json
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderStatus
from portal.models import ApiToken
from shipping.models import EventState, Shipment, ShipmentStatus, TrackingEvent
from shipping.services import apply_events, apply_pending_events, forward_steps, move_shipment, sign
from shipping.testing import (
    carrier_with_secret,
    confirmed_order,
    post_webhook,
    ship,
    tracking_event,
)

SS = ShipmentStatus
pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _at(minutes):
    return NOW + datetime.timedelta(minutes=minutes)


@pytest.fixture
def carrier(db):
    return carrier_with_secret(code="yurtici", name="Yurtiçi Kargo")


@pytest.fixture
def shipment(actor, addresses, panel, staff, carrier):
    order = confirmed_order(actor, panel, 3, staff=staff)
    return ship(order, staff=staff, carrier=carrier, parcels=[("YK1001", "2.5"), ("YK1002", "1")])


def _status(shipment):
    return Shipment.objects.get(pk=shipment.pk).status


def _apply_all():
    return apply_events(event_ids=TrackingEvent.objects.values_list("pk", flat=True))


# --- the signature ------------------------------------------------------------------------------------------------

def test_a_signed_call_is_stored_raw_and_acknowledged_then_applied(client, shipment, carrier):
    event = tracking_event("YK1001", "in_transit", _at(-30), event_id="e-1", raw_code="TR", message="At the hub",
                           location="Gebze")
    response = post_webhook(client, carrier, event)
    assert response.status_code == 202 and response.json() == {"received": 1, "duplicates": 0}
    stored = TrackingEvent.objects.get()
    assert (stored.source, stored.event_id, stored.carrier, stored.state, stored.payload) == (
        "carrier:yurtici", "e-1", carrier, EventState.RECEIVED, event)
    assert _status(shipment) == SS.PREPARING  # acknowledged first, applied by Celery
    _apply_all()
    stored.refresh_from_db()
    assert stored.state == EventState.APPLIED and stored.shipment == shipment and stored.applied_at
    # A scan in transit means the parcel left: preparing → shipped → in transit, the history says who said so.
    assert _status(shipment) == SS.IN_TRANSIT
    notes = list(shipment.history.values_list("to_status", "note", "by"))
    assert notes[1:] == [(SS.SHIPPED, "Tracking event from Yurtiçi Kargo (In transit): At the hub · Gebze", None),
                         (SS.IN_TRANSIT, "Tracking event from Yurtiçi Kargo (In transit): At the hub · Gebze", None)]
    assert Order.objects.get(pk=shipment.order_id).status == OrderStatus.SHIPPED


@pytest.mark.parametrize("how", ["wrong secret", "other body", "missing signature", "missing timestamp",
                                 "not hex", "no prefix"])
def test_a_bad_or_missing_signature_is_401_and_stores_nothing(client, shipment, carrier, how):
    event = tracking_event("YK1001", "delivered", event_id="e-1")
    raw = json.dumps(event).encode()
    ts = str(int(time.time()))
    good = sign(secret=carrier.webhook_secret, timestamp=ts, body=raw)
    kwargs = {
        "wrong secret": {"signature": sign(secret="not-the-secret", timestamp=ts, body=raw)},
        "other body": {"signature": sign(secret=carrier.webhook_secret, timestamp=ts, body=b"{}")},
        "missing signature": {"signature": ""},
        "missing timestamp": {"signature": good, "timestamp": ""},
        "not hex": {"signature": "sha256=zzzz"},
        "no prefix": {"signature": good.removeprefix("sha256=")},
    }[how]
    kwargs.setdefault("timestamp", ts)
    response = post_webhook(client, carrier, raw, **kwargs)
    assert response.status_code == 401
    assert response.json()["code"] == "shipping.webhook_unauthorised"
    assert not TrackingEvent.objects.exists()
    assert _status(shipment) == SS.PREPARING


@pytest.mark.parametrize("offset", [-301, -3600, 301])
def test_a_replay_older_than_five_minutes_or_a_time_ahead_is_refused(client, shipment, carrier, offset):
    response = post_webhook(client, carrier, tracking_event("YK1001", "delivered", event_id="e-1"),
                            timestamp=int(time.time()) + offset)
    assert response.status_code == 401 and response.json()["reason"] == "stale_timestamp"
    assert not TrackingEvent.objects.exists()


def test_a_call_within_five_minutes_is_taken(client, shipment, carrier):
    response = post_webhook(client, carrier, tracking_event("YK1001", "in_transit", event_id="e-1"),
                            timestamp=int(time.time()) - 250)
    assert response.status_code == 202


def test_an_unknown_carrier_is_404_an_inactive_one_or_one_without_secret_401(client, carrier):
    body = tracking_event("YK1001", "in_transit", event_id="e-1")
    assert post_webhook(client, "no-such-carrier", body, secret="x").status_code == 404
    without = carrier_with_secret(code="aras", webhook_secret="")
    assert post_webhook(client, without, body, secret="").status_code == 401
    inactive = carrier_with_secret(code="mng", active=False)
    assert post_webhook(client, inactive, body).status_code == 401
    assert not TrackingEvent.objects.exists()


def test_the_webhook_takes_only_post_and_needs_no_session_nor_csrf(carrier):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.get(reverse("shipping:webhook", kwargs={"carrier": carrier.code})).status_code == 405
    assert post_webhook(client, carrier, tracking_event("X", "in_transit", event_id="e")).status_code == 202


# --- malformed bodies -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, field", [
    (b"not json", None),
    (b"[1, 2]", None),
    ({"events": []}, "events"),
    ({"events": "x"}, "events"),
    ({"events": [{"tracking_code": "YK1", "status": "lost", "occurred_at": "2026-03-01T10:00:00+03:00"}]},
     "events[0].status"),
    ({"tracking_code": "YK1", "status": "delivered"}, "occurred_at"),
    ({"tracking_code": "YK1", "status": "delivered", "occurred_at": "2026-13-01T10:00:00"}, "occurred_at"),
    ({"status": "delivered", "occurred_at": "2026-03-01T10:00:00+03:00"}, "tracking_code"),
    ({"tracking_code": "Y" * 65, "status": "delivered", "occurred_at": "2026-03-01T10:00:00+03:00"},
     "tracking_code"),
    ({"tracking_code": ["YK1"], "status": "delivered", "occurred_at": "2026-03-01T10:00:00+03:00"},
     "tracking_code"),
])
def test_a_malformed_body_is_400_with_a_clear_json_error(client, carrier, body, field):
    response = post_webhook(client, carrier, body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == "shipping.bad_tracking_event" and answer["detail"]
    if field:
        assert list(answer["fields"]) == [field]
    assert not TrackingEvent.objects.exists()


def test_deep_nesting_is_400_not_500(client, carrier, token_client, shipment):
    event = json.dumps({**tracking_event("YK1", "in_transit", event_id="deep"), "extra": "NEST"})
    for depth in (30, 5000):
        nested = event.replace('"NEST"', "[" * depth + "]" * depth).encode()
        assert post_webhook(client, carrier, nested).status_code == 400
    api = token_client(None, ApiToken.Scope.SHIPPING_WRITE)
    deep = event.replace('"NEST"', "[" * 5000 + "]" * 5000)
    response = api.post(reverse("api:shipment-events", kwargs={"number": shipment.number}), deep,
                        content_type="application/json")
    assert response.status_code == 400
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
@pytest.mark.parametrize("body", [
    b'{"tracking_code": "YK\\u00001", "status": "delivered", "occurred_at": "2026-03-01T10:00:00+03:00"}',
    b'{"tracking_code": "YK1", "status": "delivered", "occurred_at": "2026-03-01T10:00:00+03:00", "x": "\x00"}',
    b'{"tracking_code": "YK1", "status": "delivered", "occurred_at": "2026-03-01T10:00:00+03:00", "x": "\\ud800"}',
])
def test_nul_bytes_and_broken_text_are_400_not_500(client, carrier, body, content_type):
    response = post_webhook(client, carrier, body, content_type=content_type)
    assert response.status_code == 400
    assert not TrackingEvent.objects.exists()


# --- duplicates and order -----------------------------------------------------------------------------------------

def test_a_duplicate_event_is_acknowledged_stored_once_and_applied_once(client, shipment, carrier):
    event = tracking_event("YK1001", "in_transit", _at(-30), event_id="e-1")
    assert post_webhook(client, carrier, event).json() == {"received": 1, "duplicates": 0}
    assert post_webhook(client, carrier, event).json() == {"received": 0, "duplicates": 1}
    # Twice in one call too, and once more after it was applied.
    assert post_webhook(client, carrier, {"events": [event, event]}).json() == {"received": 0, "duplicates": 2}
    _apply_all()
    assert post_webhook(client, carrier, event).json() == {"received": 0, "duplicates": 1}
    assert TrackingEvent.objects.count() == 1
    assert shipment.history.filter(to_status=SS.IN_TRANSIT).count() == 1
    # Applying again (a retried task) changes nothing.
    assert _apply_all() == {}
    assert shipment.history.count() == 3


def test_the_same_event_id_from_two_sources_is_two_events(client, shipment, carrier, token_client):
    event = tracking_event("YK1001", "in_transit", _at(-30), event_id="e-1")
    post_webhook(client, carrier, event)
    api = token_client(None, ApiToken.Scope.SHIPPING_WRITE)
    response = api.post(reverse("api:shipment-events", kwargs={"number": shipment.number}), event, format="json")
    assert response.status_code == 202 and response.json() == {"received": 1, "duplicates": 0}
    assert sorted(TrackingEvent.objects.values_list("source", flat=True)) == ["carrier:yurtici", "erp"]


def test_a_late_event_never_moves_a_shipment_backwards(client, shipment, carrier):
    post_webhook(client, carrier, tracking_event("YK1001", "delivered", _at(-5), event_id="e-3", signed_by="Ayşe K."))
    _apply_all()
    assert _status(shipment) == SS.DELIVERED
    assert Shipment.objects.get(pk=shipment.pk).received_by == "Ayşe K."
    # The in-transit scan of an hour before arrives late: stored, kept with why, shown; the shipment stays.
    post_webhook(client, carrier, tracking_event("YK1002", "in_transit", _at(-60), event_id="e-1"))
    _apply_all()
    late = TrackingEvent.objects.get(event_id="e-1")
    assert late.state == EventState.KEPT and late.shipment == shipment and late.note.startswith("Late:")
    assert _status(shipment) == SS.DELIVERED
    assert Order.objects.get(pk=shipment.order_id).status == OrderStatus.DELIVERED


def test_an_event_behind_the_shipment_is_kept_even_when_it_is_newer(client, shipment, carrier, staff):
    move_shipment(actor=staff, shipment=shipment, to=SS.SHIPPED)
    move_shipment(actor=staff, shipment=shipment, to=SS.IN_TRANSIT)
    move_shipment(actor=staff, shipment=shipment, to=SS.OUT_FOR_DELIVERY)
    post_webhook(client, carrier, tracking_event("YK1001", "in_transit", event_id="e-9"))
    _apply_all()
    kept = TrackingEvent.objects.get()
    assert kept.state == EventState.KEPT and "does not go back" in kept.note
    assert _status(shipment) == SS.OUT_FOR_DELIVERY


def test_events_in_one_call_are_applied_in_the_order_they_happened(client, shipment, carrier):
    events = [tracking_event("YK1001", "delivered", _at(-1), event_id="c"),
              tracking_event("YK1001", "out_for_delivery", _at(-20), event_id="b"),
              tracking_event("YK1001", "in_transit", _at(-90), event_id="a")]
    post_webhook(client, carrier, {"events": events})
    _apply_all()
    assert _status(shipment) == SS.DELIVERED
    assert dict(TrackingEvent.objects.values_list("event_id", "state")) == {
        "a": EventState.APPLIED, "b": EventState.APPLIED, "c": EventState.APPLIED}
    assert list(shipment.history.values_list("to_status", flat=True)) == [
        SS.PREPARING, SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED]


def test_a_failed_delivery_then_a_new_attempt_then_delivered(client, shipment, carrier):
    for n, (status, minutes) in enumerate([("out_for_delivery", -60), ("delivery_failed", -50),
                                           ("in_transit", -40), ("out_for_delivery", -10), ("delivered", -5)]):
        post_webhook(client, carrier, tracking_event("YK1001", status, _at(minutes), event_id=f"e{n}"))
        _apply_all()
    assert _status(shipment) == SS.DELIVERED
    assert list(shipment.history.values_list("to_status", flat=True)) == [
        SS.PREPARING, SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERY_FAILED, SS.IN_TRANSIT,
        SS.OUT_FOR_DELIVERY, SS.DELIVERED]


def test_statuses_that_move_nothing_are_kept_and_shown(client, shipment, carrier):
    for n, status in enumerate(["pre_transit", "available_for_pickup", "exception"]):
        post_webhook(client, carrier, tracking_event("YK1001", status, _at(-10 + n), event_id=f"e{n}"))
    _apply_all()
    assert set(TrackingEvent.objects.values_list("state", flat=True)) == {EventState.KEPT}
    assert set(TrackingEvent.objects.values_list("shipment", flat=True)) == {shipment.pk}
    assert _status(shipment) == SS.PREPARING


def test_return_to_sender_makes_the_shipment_returned(client, shipment, carrier):
    post_webhook(client, carrier, tracking_event("YK1001", "in_transit", _at(-30), event_id="e1"))
    post_webhook(client, carrier, tracking_event("YK1001", "return_to_sender", _at(-3), event_id="e2"))
    _apply_all()
    assert _status(shipment) == SS.RETURNED


def test_forward_steps_never_invent_a_failed_delivery_or_a_return():
    assert forward_steps(SS.PREPARING, SS.DELIVERED) == [SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY,
                                                         SS.DELIVERED]
    assert forward_steps(SS.DELIVERY_FAILED, SS.DELIVERED) == [SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED]
    assert forward_steps(SS.IN_TRANSIT, SS.DELIVERY_FAILED) == [SS.OUT_FOR_DELIVERY, SS.DELIVERY_FAILED]
    assert forward_steps(SS.OUT_FOR_DELIVERY, SS.IN_TRANSIT) is None  # not through a failed delivery
    assert forward_steps(SS.DELIVERED, SS.IN_TRANSIT) is None
    assert forward_steps(SS.IN_TRANSIT, SS.IN_TRANSIT) == []


# --- matching -------------------------------------------------------------------------------------------------------

def test_the_same_tracking_code_at_two_carriers_is_matched_by_carrier(client, actor, addresses, panel, staff,
                                                                       carrier):
    aras = carrier_with_secret(code="aras", name="Aras Kargo")
    order = confirmed_order(actor, panel, 2, staff=staff)
    line = order.lines.get()
    by_yurtici = ship(order, {line.pk: 1}, staff=staff, carrier=carrier, parcels=[("SAME-1", "1")])
    by_aras = ship(order, {line.pk: 1}, staff=staff, carrier=aras, parcels=[("SAME-1", "1")])
    post_webhook(client, aras, tracking_event("SAME-1", "in_transit", _at(-5), event_id="a1"))
    _apply_all()
    assert (_status(by_aras), _status(by_yurtici)) == (SS.IN_TRANSIT, SS.PREPARING)
    assert TrackingEvent.objects.get().shipment == by_aras


def test_a_recycled_code_on_a_delivered_shipment_does_not_match(client, shipment, carrier, actor, panel, staff):
    post_webhook(client, carrier, tracking_event("YK1001", "delivered", _at(-60), event_id="old"))
    _apply_all()
    assert _status(shipment) == SS.DELIVERED
    # Days later the carrier uses the code again, for a parcel of someone else's: not this shipment's event.
    post_webhook(client, carrier, tracking_event("YK1001", "in_transit", timezone.now() + datetime.timedelta(
        seconds=1), event_id="new"))
    _apply_all()
    recycled = TrackingEvent.objects.get(event_id="new")
    assert recycled.state == EventState.UNMATCHED and recycled.shipment is None
    assert "used again" in recycled.note
    assert _status(shipment) == SS.DELIVERED
    # A new open shipment with that code takes the carrier's next events.
    order = confirmed_order(actor, panel, 1, staff=staff)
    newer = ship(order, staff=staff, carrier=carrier, parcels=[("YK1001", "1")])
    post_webhook(client, carrier, tracking_event("YK1001", "in_transit", timezone.now() + datetime.timedelta(
        seconds=2), event_id="next"))
    _apply_all()
    assert TrackingEvent.objects.get(event_id="next").shipment == newer
    assert _status(newer) == SS.IN_TRANSIT


def test_an_unknown_code_is_unmatched(client, shipment, carrier):
    post_webhook(client, carrier, tracking_event("NOPE-1", "delivered", event_id="x"))
    _apply_all()
    event = TrackingEvent.objects.get()
    assert event.state == EventState.UNMATCHED and "No shipment" in event.note
    assert _status(shipment) == SS.PREPARING


def test_a_code_known_only_at_another_carrier_is_unmatched(client, shipment):
    other = carrier_with_secret(code="mng")
    post_webhook(client, other, tracking_event("YK1001", "delivered", event_id="x"))
    _apply_all()
    assert TrackingEvent.objects.get().state == EventState.UNMATCHED
    assert _status(shipment) == SS.PREPARING


def test_a_return_shipment_takes_events_too(client, shipment, carrier):
    Shipment.objects.filter(pk=shipment.pk).update(kind="return")
    post_webhook(client, carrier, tracking_event("YK1002", "in_transit", _at(-3), event_id="r1"))
    _apply_all()
    assert _status(shipment) == SS.IN_TRANSIT


def test_an_event_whose_move_is_refused_is_kept_with_why(client, shipment, carrier, staff):
    from orders.services import set_status

    set_status(actor=staff, order=shipment.order, status=OrderStatus.CANCELLED)
    post_webhook(client, carrier, tracking_event("YK1001", "in_transit", _at(-3), event_id="r1"))
    _apply_all()
    event = TrackingEvent.objects.get()
    assert event.state == EventState.KEPT and event.note
    assert _status(shipment) == SS.PREPARING


# --- the ERP --------------------------------------------------------------------------------------------------------

def _erp_url(shipment):
    return reverse("api:shipment-events", kwargs={"number": shipment.number})


def test_the_erp_reports_events_by_shipment_number(token_client, shipment):
    api = token_client(None, ApiToken.Scope.SHIPPING_WRITE)
    body = {"events": [{"event_id": "erp-1", "status": "out_for_delivery", "occurred_at": _at(-20).isoformat()},
                       {"event_id": "erp-2", "status": "delivered", "occurred_at": _at(-2).isoformat(),
                        "signed_by": "Mehmet D."}]}
    response = api.post(_erp_url(shipment), body, format="json")
    assert response.status_code == 202 and response.json() == {"received": 2, "duplicates": 0}
    assert api.post(_erp_url(shipment), body, format="json").json() == {"received": 0, "duplicates": 2}
    assert set(TrackingEvent.objects.values_list("source", "shipment")) == {("erp", shipment.pk)}
    _apply_all()
    shipment.refresh_from_db()
    assert (shipment.status, shipment.received_by) == (SS.DELIVERED, "Mehmet D.")
    assert "the ERP" in shipment.history.last().note


def test_the_erp_api_refuses_without_the_scope_an_unknown_shipment_and_a_bad_event(token_client, shipment, owner):
    event = {"event_id": "erp-1", "status": "delivered", "occurred_at": _at(-2).isoformat()}
    assert token_client(None, ApiToken.Scope.PAYMENTS_WRITE).post(
        _erp_url(shipment), event, format="json").status_code == 403
    assert token_client(owner, ApiToken.Scope.ACCOUNT).post(_erp_url(shipment), event, format="json"
                                                            ).status_code == 403
    api = token_client(None, ApiToken.Scope.SHIPPING_WRITE)
    assert api.post(reverse("api:shipment-events", kwargs={"number": "SHP-NONE"}), event,
                    format="json").status_code == 404
    response = api.post(_erp_url(shipment), {**event, "status": "teleported"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "shipping.bad_tracking_event"
    assert list(response.json()["fields"]) == ["status"]
    assert not TrackingEvent.objects.exists()


def test_the_erp_events_are_in_the_openapi_document(staff_client):
    schema = staff_client.get(reverse("api-schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/shipments/{number}/events/"]["post"]
    assert "202" in operation["responses"] and "webhooks" in operation["description"]


# --- a broker outage --------------------------------------------------------------------------------------------

def test_events_a_broker_outage_left_received_are_applied_by_the_beat_job(client, shipment, carrier):
    post_webhook(client, carrier, tracking_event("YK1001", "in_transit", _at(-3), event_id="e1"))
    assert apply_pending_events(older_than_seconds=60) == 0  # too fresh: its own task is on the way
    TrackingEvent.objects.update(received_at=timezone.now() - datetime.timedelta(minutes=5))
    assert apply_pending_events(older_than_seconds=60) == 1
    assert _status(shipment) == SS.IN_TRANSIT
    assert apply_pending_events(older_than_seconds=0) == 0
