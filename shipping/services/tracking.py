"""Tracking events (issue 14, section 4): what carriers (a signed webhook) and the ERP (the API) say about parcels.

An event is stored raw first and acknowledged at once (`receive_events`), then applied by Celery (`apply_events`,
shipping/tasks.py); a beat job applies whatever a broker outage left `received` (`apply_pending_events`).

- **Signed webhooks.** A carrier signs `<X-Timestamp> + "." + <body>` with HMAC-SHA256 and its own secret
  (`Carrier.webhook_secret`) and sends `X-Signature: sha256=<hex>` and `X-Timestamp: <unix seconds>`. The signature is
  compared in constant time; a timestamp more than five minutes old (a replay) or ahead is refused
  (`check_signature`). Nothing is stored for a refused call.
- **Deduplicated at insert** by (source, the sender's event id): one INSERT … ON CONFLICT DO NOTHING, so a retried
  call is acknowledged and counted as a duplicate, never stored or applied twice.
- **Matched by (carrier, tracking code) of a parcel, never by code alone** (carriers recycle codes): the open
  shipment (not delivered or returned) of that carrier with a parcel of that code; else a closed one that the event
  predates (a late event of it); else the event is `unmatched` and staff assign it (`assign_event`). The ERP names
  the shipment by its number.
- **Never backwards.** An event older than the latest event applied to its shipment, or whose status the shipment
  has passed, is `kept` (stored, shown in the timeline, not applied) with a note saying why. A scan that means a
  parcel moved walks the shipment forward through SHIPMENT's own table (`forward_steps`: a parcel scanned in
  transit while its shipment is being prepared has left: preparing → shipped → in transit), through
  `move_shipment`, so the order follows and the dealer is told, in one mail for the walk (services/notices.py).

Locks (docs/architecture.md): applying takes the order of the event's shipment first (every writer of a shipment
does), then `move_shipment` takes what a move needs in the one order; the event row is written under the order's
lock, so two workers applying one event (or two events of one shipment) wait for each other and the second sees the
first's result: applying is safe to run twice.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from portal import audit, locks
from portal.api_parsers import unstorable
from portal.errors import Busy, DomainError
from portal.lifecycle import acting_user

from .. import hooks as shipping_hooks
from ..errors import BadTrackingEvent, EventNotAssignable, ShipmentNotAllowed
from ..models import (
    SHIPMENT,
    Carrier,
    EventState,
    Parcel,
    Shipment,
    ShipmentStatus,
    ShipmentStatusChange,
    TrackingEvent,
    TrackingStatus,
)
from ..permissions import may_assign_events, may_manage_carrier_secrets, require_may_apply_tracking
from . import notices
from .shipments import move_shipment

SS = ShipmentStatus
TS = TrackingStatus
SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Timestamp"
SIGNATURE_PREFIX = "sha256="
# A signed call older than this (a replay) or this far ahead of our clock is refused.
REPLAY_WINDOW_SECONDS = 300
# At most this many events in one call.
MAX_EVENTS_PER_CALL = 500
ERP_SOURCE = "erp"

# What each normalised status moves the shipment to (the others are kept and shown, never applied).
TARGETS = {TS.IN_TRANSIT: SS.IN_TRANSIT, TS.OUT_FOR_DELIVERY: SS.OUT_FOR_DELIVERY, TS.DELIVERED: SS.DELIVERED,
           TS.DELIVERY_FAILED: SS.DELIVERY_FAILED, TS.RETURN_TO_SENDER: SS.RETURNED}
# A walk forward may pass these on its way to the event's status; a failed delivery or a return only ever happens
# when an event says so.
PASSABLE = {SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY}
CLOSED = (SS.DELIVERED, SS.RETURNED)

# The fields an event may carry, their longest accepted length and whether the sender must give them.
TEXT_FIELDS = {"event_id": 100, "tracking_code": 64, "raw_code": 60, "message": 500, "location": 200,
               "signed_by": 100}
CUT_TO_FIT = {"message", "location", "raw_code", "signed_by"}  # the raw payload keeps the whole text


def webhook_source(carrier) -> str:
    return f"carrier:{carrier.code}"


# --- the carrier's secret and signature ---------------------------------------------------------------------------

def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def sign(*, secret: str, timestamp, body: bytes) -> str:
    """The `X-Signature` header value a carrier sends: `sha256=` + HMAC-SHA256 of `<timestamp>.<body>`."""
    message = str(timestamp).encode() + b"." + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class SignatureRefused(Exception):
    """A webhook call that is not signed by the carrier: answered 401 and nothing is stored. Not a DomainError:
    nobody at the portal can fix it, the carrier must sign with its current secret and clock."""

    def __init__(self, reason: str, message):
        super().__init__(reason)
        self.reason = reason
        self.message = message


def check_signature(*, carrier: Carrier | None, body: bytes, signature: str, timestamp: str, now=None) -> None:
    """Raise SignatureRefused unless `signature` is the carrier's HMAC of `timestamp.body` and `timestamp` (unix
    seconds) is within REPLAY_WINDOW_SECONDS of now. The comparison takes the same time whatever the signature."""
    if carrier is None or not carrier.active or not carrier.webhook_secret:
        raise SignatureRefused("carrier_not_accepted", _("This carrier does not send tracking events to us."))
    if not signature or not timestamp:
        raise SignatureRefused("signature_missing", _("Sign the call: X-Signature and X-Timestamp headers."))
    try:
        sent_at = int(timestamp.strip())
    except ValueError:
        raise SignatureRefused("bad_timestamp", _("X-Timestamp must be the time in unix seconds.")) from None
    expected = sign(secret=carrier.webhook_secret, timestamp=timestamp.strip(), body=body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode("utf-8", "replace")):
        raise SignatureRefused("bad_signature", _("The signature does not match."))
    now = time.time() if now is None else now
    if abs(now - sent_at) > REPLAY_WINDOW_SECONDS:
        raise SignatureRefused("stale_timestamp", _("The call is more than five minutes old or ahead of our "
                                                    "clock; send it again with the current time."))


# --- reading events -----------------------------------------------------------------------------------------------

MAX_DEPTH = 20  # nesting of a call's JSON (an event is an object with a few flat fields; a payload may nest a little)


def read_body(body: bytes):
    """The JSON of a call's body, or BadTrackingEvent."""
    if b"\x00" in body:
        raise BadTrackingEvent(_("The body contains a NUL character."))
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadTrackingEvent(_("The body is not JSON (UTF-8).")) from None
    return data


def parse_events(data, *, tracking_code_required=True) -> list[dict]:
    """The events of a call: one event (an object) or {"events": [...]}; each checked and made ready to store, or
    BadTrackingEvent naming the event and the field (`events[2].status`)."""
    if isinstance(data, dict) and "events" in data:
        events, prefix = data["events"], "events"
        if not isinstance(events, list):
            raise BadTrackingEvent(_("“events” must be a list of events."), field="events")
    elif isinstance(data, dict):
        events, prefix = [data], ""
    else:
        raise BadTrackingEvent(_("Send one event (an object) or {\"events\": [...]}."))
    if not events:
        raise BadTrackingEvent(_("Send at least one event."), field="events")
    if len(events) > MAX_EVENTS_PER_CALL:
        raise BadTrackingEvent(_("Send at most %(count)d events in one call.") % {"count": MAX_EVENTS_PER_CALL},
                               field="events")
    if unstorable(data, max_depth=MAX_DEPTH):
        raise BadTrackingEvent(_("The events contain a NUL character, text that is not UTF-8 or nesting too deep."))
    return [_parse_event(event, f"{prefix}[{i}]." if prefix else "", tracking_code_required)
            for i, event in enumerate(events)]


def _parse_event(event, where, tracking_code_required) -> dict:
    if not isinstance(event, dict):
        raise BadTrackingEvent(_("An event must be an object."), field=where.rstrip(".") or None)
    values = {}
    for name, longest in TEXT_FIELDS.items():
        value = event.get(name, "")
        if value is None:
            value = ""
        if isinstance(value, (int, float)) and not isinstance(value, bool) and name == "event_id":
            value = str(value)
        if not isinstance(value, str):
            raise BadTrackingEvent(_("“%(field)s” must be text.") % {"field": name}, field=where + name)
        value = value.strip()
        if len(value) > longest:
            if name not in CUT_TO_FIT:
                raise BadTrackingEvent(_("“%(field)s” is longer than %(count)d characters.")
                                       % {"field": name, "count": longest}, field=where + name)
            value = value[:longest]
        values[name] = value
    if tracking_code_required and not values["tracking_code"]:
        raise BadTrackingEvent(_("Give the parcel's tracking code."), field=where + "tracking_code")
    status = event.get("status")
    if status not in TS.values:
        raise BadTrackingEvent(_("“status” must be one of: %(statuses)s.") % {"statuses": ", ".join(TS.values)},
                               field=where + "status")
    values["status"] = status
    values["occurred_at"] = _moment(event.get("occurred_at"), where + "occurred_at")
    values["payload"] = event
    return values


def _moment(value, field) -> datetime:
    try:
        moment = parse_datetime(value.strip()) if isinstance(value, str) else None
    except ValueError:  # well formed but no such moment (a 13th month)
        moment = None
    if moment is None:
        raise BadTrackingEvent(_("“occurred_at” must be a date and time (ISO 8601, e.g. 2026-03-01T14:05:00+03:00)."),
                               field=field)
    if timezone.is_naive(moment):  # no offset given: the portal's time zone (Europe/Istanbul)
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


# --- storing them raw ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    """What a call stored: the new events' ids, and how many it sent that were there already."""

    ids: tuple
    duplicates: int

    @property
    def stored(self) -> int:
        return len(self.ids)


APPLY_TASK_NAME = "shipping.tasks.apply_tracking_events_task"
COLUMNS = ("source", "event_id", "carrier_id", "tracking_code", "status", "raw_code", "message", "location",
           "occurred_at", "signed_by", "payload", "received_at", "shipment_id", "state", "note")


def receive_events(*, source: str, events: list[dict], carrier: Carrier | None = None,
                   shipment: Shipment | None = None) -> Received:
    """Store `events` (from parse_events) as `received`, skipping those whose (source, event id) is stored already
    (also within the call), and queue their application for when the transaction commits."""
    if not events:
        return Received(ids=(), duplicates=0)
    now = timezone.now()
    rows, params = [], []
    for event in events:
        rows.append("(" + ", ".join(["%s::jsonb" if column == "payload" else "%s" for column in COLUMNS]) + ")")
        params += [source, event["event_id"], carrier.pk if carrier else None, event["tracking_code"],
                   event["status"], event["raw_code"], event["message"], event["location"], event["occurred_at"],
                   event["signed_by"], json.dumps(event["payload"]), now, shipment.pk if shipment else None,
                   EventState.RECEIVED, ""]
    # ON CONFLICT DO NOTHING meets the partial unique index on (source, event_id) for events with an id.
    sql = (f"INSERT INTO {TrackingEvent._meta.db_table} ({', '.join(COLUMNS)}) VALUES {', '.join(rows)} "
           "ON CONFLICT DO NOTHING RETURNING id")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = tuple(row[0] for row in cursor.fetchall())
        if ids:
            from celery import signature

            from portal.queue import enqueue_on_commit

            enqueue_on_commit(signature(APPLY_TASK_NAME), list(ids))
    return Received(ids=ids, duplicates=len(events) - len(ids))


# --- matching -----------------------------------------------------------------------------------------------------

def _closed_at(shipment) -> datetime:
    """When a delivered or returned shipment closed: its closing move or its last applied event, the later."""
    moved = (ShipmentStatusChange.objects.filter(shipment=shipment, to_status__in=CLOSED)
             .aggregate(at=Max("created_at"))["at"])
    moments = [moment for moment in (moved, _last_applied_at(shipment), shipment.delivered_at) if moment is not None]
    return max(moments) if moments else shipment.updated_at


def _last_applied_at(shipment):
    return (TrackingEvent.objects.filter(shipment=shipment, state=EventState.APPLIED)
            .aggregate(at=Max("occurred_at"))["at"])


def match_shipment(*, carrier, tracking_code: str, occurred_at) -> tuple[Shipment | None, str]:
    """The shipment an event of `carrier` about parcel `tracking_code` belongs to, and why not when None.

    Never by the code alone: only the carrier's own shipments. The open one (not delivered or returned, outbound or
    a return) first; else the closed one the event predates (a late event: it is kept, not applied); else none —
    an event after its shipment closed is a recycled code, not that shipment's."""
    if carrier is None or not tracking_code:
        return None, _("No carrier or no tracking code.")
    parcels = (Parcel.objects.filter(tracking_code=tracking_code, shipment__carrier=carrier)
               .select_related("shipment").order_by("shipment_id"))
    shipments = {parcel.shipment_id: parcel.shipment for parcel in parcels}
    open_ones = [s for s in shipments.values() if s.status not in CLOSED]
    if len(open_ones) == 1:
        return open_ones[0], ""
    if len(open_ones) > 1:
        return None, _("Several open shipments of %(carrier)s have a parcel %(code)s: %(numbers)s.") % {
            "carrier": carrier, "code": tracking_code, "numbers": ", ".join(s.number for s in open_ones)}
    closed = sorted(((_closed_at(s), s.pk, s) for s in shipments.values()), key=lambda row: row[:2])
    for closed_at, _pk, shipment in closed:
        if occurred_at <= closed_at:
            return shipment, ""
    if closed:
        return None, _("Parcel %(code)s of %(carrier)s was delivered or returned before this event: a code the "
                       "carrier used again.") % {"code": tracking_code, "carrier": carrier}
    return None, _("No shipment of %(carrier)s has a parcel %(code)s.") % {"carrier": carrier, "code": tracking_code}


# --- applying -----------------------------------------------------------------------------------------------------

def forward_steps(current, target) -> list | None:
    """The moves that take a shipment from `current` to `target` through SHIPMENT's table, passing only shipped, in
    transit and out for delivery on the way (never inventing a failed delivery or a return); [] when it is there
    already, None when the table has no way forward (the event is behind the shipment)."""
    current, target = SS(current), SS(target)
    if current == target:
        return []
    paths = deque([[current]])
    while paths:
        path = paths.popleft()
        for step in SHIPMENT.targets(path[-1]):
            if step in path:
                continue
            if step == target:
                return [*path[1:], step]
            if step in PASSABLE:
                paths.append([*path, step])
    return None


def _source_label(event) -> str:
    if event.source == ERP_SOURCE:
        return _("the ERP")
    return str(event.carrier) if event.carrier_id else event.source


def _move_note(event) -> str:
    detail = " · ".join(part for part in (event.message or event.raw_code, event.location) if part)
    note = _("Tracking event from %(source)s (%(status)s)") % {"source": _source_label(event),
                                                              "status": event.get_status_display()}
    return f"{note}: {detail}" if detail else note


@dataclass(frozen=True)
class Applied:
    """What one application did: the event's state afterwards and the shipment's moves it made."""

    state: str
    moves: tuple = ()


def apply_event(*, event_id, actor=None) -> Applied | None:
    """Apply one stored event (module doc); None when there is no such event. An event already applied, kept or
    unmatched is left as it is (safe to run twice). `actor`: None for the task, staff who assign an event."""
    require_may_apply_tracking(actor)
    event = TrackingEvent.objects.select_related("carrier", "shipment").filter(pk=event_id).first()
    if event is None:
        return None
    if event.state != EventState.RECEIVED:
        return Applied(state=event.state)
    shipment, why = (event.shipment, "") if event.shipment_id else match_shipment(
        carrier=event.carrier, tracking_code=event.tracking_code, occurred_at=event.occurred_at)
    if shipment is None:
        TrackingEvent.objects.filter(pk=event.pk, state=EventState.RECEIVED).update(
            state=EventState.UNMATCHED, note=why[:300])
        return Applied(state=EventState.UNMATCHED)
    return _apply_to(event, shipment, actor=actor)


def _apply_to(event, shipment, *, actor) -> Applied:
    try:
        return _apply_locked(event, shipment, actor=actor)
    except Busy:
        raise  # left `received`: the beat job applies it again
    except DomainError as exc:
        # The move was refused (e.g. its order was cancelled meanwhile): kept, with why, never tried forever.
        TrackingEvent.objects.filter(pk=event.pk, state__in=(EventState.RECEIVED, EventState.UNMATCHED)).update(
            shipment=shipment, state=EventState.KEPT, note=str(exc.message)[:300])
        return Applied(state=EventState.KEPT)


@locks.retry_when_busy
def _apply_locked(event, shipment, *, actor) -> Applied:
    with transaction.atomic():
        locks.order(shipment.order_id)  # every writer of a shipment holds its order first
        event = TrackingEvent.objects.select_related("carrier").get(pk=event.pk)
        if event.state not in (EventState.RECEIVED, EventState.UNMATCHED):
            return Applied(state=event.state)
        shipment = Shipment.objects.select_related("carrier").get(pk=shipment.pk)
        state, note, moves = _decide(event, shipment)
        # The event first: the moves' listeners (the dealer's mail) read it, e.g. who signed for a delivery.
        TrackingEvent.objects.filter(pk=event.pk).update(
            shipment=shipment, state=state, note=note[:300],
            applied_at=timezone.now() if state == EventState.APPLIED else None)
        with notices.walking(moves):  # one mail for the walk, not one per status it passes
            for step in moves:
                move_shipment(actor=actor, shipment=shipment, to=step, note=_move_note(event),
                              permission=require_may_apply_tracking)
        if SS.DELIVERED in moves and event.signed_by:
            locks.shipment(shipment)  # held already by the move
            Shipment.objects.filter(pk=shipment.pk).update(received_by=event.signed_by[:100])
        event.state = state
        shipping_hooks.tracking_event_applied.run(event=event, shipment=shipment, actor=actor)
    return Applied(state=state, moves=tuple(moves))


def _decide(event, shipment) -> tuple[str, str, list]:
    """(state, note, moves) for `event` on `shipment` as it is now."""
    target = TARGETS.get(event.status)
    if target is None:
        return EventState.KEPT, _("Shown in the timeline; “%(status)s” does not move a shipment.") % {
            "status": event.get_status_display()}, []
    last = _last_applied_at(shipment)
    if last is not None and event.occurred_at < last:
        return EventState.KEPT, _("Late: a later event (%(when)s) was applied already.") % {
            "when": timezone.localtime(last).strftime("%Y-%m-%d %H:%M")}, []
    steps = forward_steps(shipment.status, target)
    if steps is None:
        return EventState.KEPT, _("Not applied: the shipment is “%(status)s” already and does not go back to "
                                  "“%(target)s”.") % {"status": shipment.get_status_display(),
                                                     "target": SS(target).label}, []
    if not steps:
        return EventState.APPLIED, _("The shipment was “%(status)s” already.") % {
            "status": shipment.get_status_display()}, []
    return EventState.APPLIED, "", steps


def apply_events(*, event_ids) -> dict:
    """Apply events in the order they happened; {state: how many} of what they became."""
    counts = {}
    ordered = (TrackingEvent.objects.filter(pk__in=list(event_ids), state=EventState.RECEIVED)
               .order_by("occurred_at", "pk").values_list("pk", flat=True))
    for event_id in ordered:
        applied = apply_event(event_id=event_id)
        if applied is not None:
            counts[applied.state] = counts.get(applied.state, 0) + 1
    return counts


def apply_pending_events(*, older_than_seconds=30, limit=1000) -> int:
    """Apply events still `received` a while after they arrived (their task was never published: a broker outage,
    or lost); the beat job runs it. Returns how many it applied."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(TrackingEvent.objects.filter(state=EventState.RECEIVED, received_at__lte=cutoff)
               .order_by("occurred_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(apply_events(event_ids=ids).values()) if ids else 0


# --- staff: unmatched events and carriers' secrets -----------------------------------------------------------------

def assign_event(*, actor, event: TrackingEvent, shipment: Shipment) -> Applied:
    """Staff say which shipment an unmatched event is about; it is then applied like any other (it may still be kept
    when it is late or behind the shipment). Only an unmatched event, and only to a shipment of its carrier."""
    if not may_assign_events(actor):
        raise ShipmentNotAllowed(_("Only staff assign tracking events."))
    event = TrackingEvent.objects.select_related("carrier").get(pk=event.pk)
    if event.state != EventState.UNMATCHED:
        raise EventNotAssignable(_("Only an unmatched event can be assigned; this one is “%(state)s”.")
                                 % {"state": event.get_state_display()}, field="shipment")
    if event.carrier_id and shipment.carrier_id != event.carrier_id:
        raise EventNotAssignable(_("Shipment %(number)s is not carried by %(carrier)s, who sent the event.")
                                 % {"number": shipment.number, "carrier": event.carrier}, field="shipment")
    user, _on_behalf = acting_user(actor)
    applied = _apply_to(event, shipment, actor=actor)
    audit.record(actor=user, action="shipping.tracking_event.assigned", target=shipment, dealer=shipment.dealer,
                 data={"event": event.pk, "shipment": shipment.number, "state": applied.state})
    return applied


def rotate_webhook_secret(*, actor, carrier: Carrier) -> str:
    """A new webhook secret for `carrier` (the old one stops working at once); returned to be shown once."""
    if not may_manage_carrier_secrets(actor):
        raise ShipmentNotAllowed(_("Only staff who may change carriers set their webhook secrets."))
    secret = new_webhook_secret()
    with transaction.atomic():
        Carrier.objects.filter(pk=carrier.pk).update(webhook_secret=secret)
        user, _on_behalf = acting_user(actor)
        audit.record(actor=user, action="shipping.carrier.secret_rotated", target=carrier,
                     data={"carrier": carrier.code})
    carrier.webhook_secret = secret
    return secret


def webhook_path(carrier) -> str:
    from django.urls import reverse

    return reverse("shipping:webhook", kwargs={"carrier": carrier.code})


def webhook_url(carrier) -> str:
    return settings.SITE_URL + webhook_path(carrier)
