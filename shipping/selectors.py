"""Reads of shipping shared by pages and API (keyword-only). Every read of a dealer's shipments goes through
`shipments_of(actor=...)`, so another dealer's shipment is simply not found (404): the shipments page and API, the
order page's shipments, the dashboard box, a shipment's page, its events and its delivery photos.

A shipment's timeline (`shipment_timeline`) merges its status history with the tracking events that reached it: the
applied ones, and the ones kept but not applied (a late or repeated event never moves a shipment backwards; it is
shown, marked as such)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Prefetch
from django.http import Http404

from portal.dates import day_or_none

from .models import (
    DeliveryOutcome,
    DeliveryPhoto,
    DeliveryProblem,
    DeliveryReport,
    EventState,
    Parcel,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    ShipmentStatusChange,
    TrackingEvent,
)

SS = ShipmentStatus
# What the dashboard counts as "on the way": it has left and has not arrived (a failed delivery is tried again).
ON_THE_WAY = (SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERY_FAILED)
# Events a dealer sees on the timeline: applied ones, and kept ones (shown as "kept, not applied").
SHOWN_EVENT_STATES = (EventState.APPLIED, EventState.KEPT)
SHIPMENT_FILTERS = ("status", "date_from", "date_to", "order", "tracking")


def shipments_of(*, actor):
    """The shipments the actor may see on the dealer's pages: its dealer's (none without a dealer). Staff read
    shipments in the admin."""
    dealer = getattr(actor, "dealer", None)
    if dealer is None:
        return Shipment.objects.none()
    return Shipment.objects.filter(dealer=dealer)


def list_shipments(*, actor, filters: dict | None = None):
    """The actor's dealer's shipments, newest first, filtered by status, the day they were shipped (from, to: a
    shipment not shipped yet has no day and is left out by a date filter), the order's number (part of it) and a
    parcel's tracking code (whole, whatever its case). Unreadable values are ignored. Parcels and the carrier are
    fetched along (two queries for a page, whatever its length)."""
    filters = filters or {}
    rows = shipments_of(actor=actor).select_related("order", "carrier").prefetch_related(
        Prefetch("parcels", queryset=Parcel.objects.order_by("pk")))
    status = filters.get("status") or ""
    if status in SS.values:
        rows = rows.filter(status=status)
    if day_or_none(filters.get("date_from")):
        rows = rows.filter(shipped_at__date__gte=day_or_none(filters["date_from"]))
    if day_or_none(filters.get("date_to")):
        rows = rows.filter(shipped_at__date__lte=day_or_none(filters["date_to"]))
    order = (filters.get("order") or "").strip()
    if order:
        rows = rows.filter(order__number__icontains=order)
    tracking = (filters.get("tracking") or "").strip()
    if tracking:
        rows = rows.filter(pk__in=Parcel.objects.filter(tracking_code__iexact=tracking).values("shipment_id"))
    return rows.order_by("-created_at", "-pk")


def list_shipment_rows(*, actor, filters: dict | None = None):
    """The shipments page's read of `list_shipments` (same rows, filters and order) in one query for a page, as
    dicts of what the page prints: the shipment's number, kind, status and when it left, its order's number
    (`order_number`), its carrier (`carrier_id`, None for the own truck; `carrier_name`, `carrier_tracking_template`)
    and its parcels' tracking codes in parcel order (`tracking_codes`)."""
    codes = Parcel.objects.filter(shipment=OuterRef("pk")).order_by("pk").values("tracking_code")
    return (list_shipments(actor=actor, filters=filters).prefetch_related(None)
            .annotate(tracking_codes=ArraySubquery(codes))
            .values("number", "kind", "status", "shipped_at", "carrier_id", "tracking_codes",
                    order_number=F("order__number"), carrier_name=F("carrier__name"),
                    carrier_tracking_template=F("carrier__tracking_url_template")))


# --- The shipments page's reads, compiled once (issue 18) --------------------------------------------------------------
# Building and compiling the rows' and the count's queries cost the page 1.5 ms of Python on every request, running
# them 0.1 ms. Their SQL depends only on which filters apply (the values are parameters), so it is compiled from
# list_shipment_rows / list_shipments once per process for each combination (at most 2**5), and each request only
# gives the parameters: the SQL stays the ORM's. The parameters are worked out the way the ORM works them out, and
# checked against the ORM's own when a combination is first compiled (a combination whose parameters differ is
# compiled on every request instead).

_PAGE_SQL: dict = {}


def _applied_filters(filters) -> dict:
    """The filters list_shipments applies, each with the value it applies, in the order it applies them."""
    filters = filters or {}
    applied = {}
    status = filters.get("status") or ""
    if status in SS.values:
        applied["status"] = status
    for name in ("date_from", "date_to"):
        if day_or_none(filters.get(name)):
            applied[name] = day_or_none(filters[name])
    for name in ("order", "tracking"):
        value = (filters.get(name) or "").strip()
        if value:
            applied[name] = value
    return applied


def _page_params(dealer_id: int, applied: dict, tzname: str) -> list:
    """list_shipments' query parameters, in its order: the dealer, then each applied filter (a day with the time
    zone it is read in, an order number as a LIKE pattern)."""
    from django.db import connection

    params = [dealer_id]
    for name, value in applied.items():
        if name in ("date_from", "date_to"):
            params += [tzname, value]
        elif name == "order":
            params.append(f"%{connection.ops.prep_for_like_query(value)}%")
        else:
            params.append(value)
    return params


class ShipmentPageRows:
    """The shipments page's rows (list_shipment_rows' dicts, same filters and order) and their count, for a
    paginator: `rows[start:stop]` reads one page, `count()` counts without the rows' joins."""

    ordered = True

    def __init__(self, *, actor, filters: dict | None = None):
        from django.utils import timezone

        dealer = getattr(actor, "dealer", None)
        self.dealer_id = dealer.pk if dealer is not None else None
        self.actor, self.filters = actor, filters
        self.applied = _applied_filters(filters)
        dated = "date_from" in self.applied or "date_to" in self.applied
        self.tzname = timezone.get_current_timezone_name() if dated else ""
        self.params = _page_params(self.dealer_id, self.applied, self.tzname)

    def _sql(self) -> tuple[str, str, list]:
        """(rows SQL, count SQL, params): compiled once for this combination of filters."""
        key = (tuple(self.applied), self.tzname)
        known = _PAGE_SQL.get(key)
        if known is not None:
            return known[0], known[1], self.params
        rows_sql, params = list_shipment_rows(actor=self.actor, filters=self.filters).query.sql_with_params()
        ids_sql, count_params = (list_shipments(actor=self.actor, filters=self.filters).order_by().values("pk")
                                 .query.sql_with_params())
        count_sql = f"SELECT COUNT(*) FROM ({ids_sql}) AS counted"
        if list(params) == self.params == list(count_params):
            _PAGE_SQL[key] = (rows_sql, count_sql)
            return rows_sql, count_sql, self.params
        return rows_sql, count_sql, list(params)

    def count(self) -> int:
        from django.db import connection

        if self.dealer_id is None:
            return 0
        _rows_sql, count_sql, params = self._sql()
        with connection.cursor() as cursor:
            cursor.execute(count_sql, params)
            return cursor.fetchone()[0]

    def __getitem__(self, page: slice) -> list[dict]:
        from django.db import connection

        start, stop = page.start or 0, page.stop
        if self.dealer_id is None or stop <= start:
            return []
        rows_sql, _count_sql, params = self._sql()
        with connection.cursor() as cursor:
            cursor.execute(f"{rows_sql} LIMIT %s OFFSET %s", [*params, stop - start, start])
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _detail(queryset):
    return queryset.select_related("order", "carrier", "dealer", "delivery_report__reported_by").prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line").order_by("pk")),
        Prefetch("parcels", queryset=Parcel.objects.order_by("pk")),
        Prefetch("history", queryset=ShipmentStatusChange.objects.select_related("by").order_by("created_at", "pk")),
    )


def get_shipment(*, actor, number) -> Shipment:
    """One of the actor's dealer's shipments with its lines, parcels and history; 404 for anyone else's."""
    shipment = _detail(shipments_of(actor=actor)).filter(number=number).first()
    if shipment is None:
        raise Http404
    return shipment


def get_shipment_for_reader(*, actor, number) -> Shipment:
    """A shipment by its number for whoever `shipping.permissions.may_see_shipment` lets through (the dealer's users,
    agents acting for it, staff who view shipments); 404 for anyone else."""
    from .permissions import may_see_shipment

    shipment = _detail(Shipment.objects.all()).filter(number=number).first()
    if shipment is None or not may_see_shipment(actor, shipment):
        raise Http404
    return shipment


def shipment_events(*, shipment):
    """The tracking events a dealer sees of a shipment, oldest first: applied ones and those kept, not applied."""
    return TrackingEvent.objects.filter(shipment=shipment, state__in=SHOWN_EVENT_STATES).order_by("occurred_at", "pk")


@dataclass(frozen=True)
class TimelineEntry:
    """One row of a shipment's timeline: a status move (`change`) or a tracking event (`event`)."""

    at: datetime.datetime
    kind: str                       # "status" or "event"
    label: str                      # the status or the event's normalised status, in the reader's language
    status: str                     # its code (for a CSS class, never shown)
    location: str = ""
    message: str = ""
    applied: bool = True            # False: an event kept, not applied (late, repeated, or behind the shipment)
    by: object = None


def shipment_timeline(*, shipment, events=None) -> list[TimelineEntry]:
    """The shipment's status moves (its `history`, prefetched by get_shipment) and its shown tracking events, in time
    order; the first status row (created "preparing") included. `events`: already read, else read here.

    A move the portal made by itself applying a carrier's or the ERP's event (a history row with no `by`) is told by
    that event (when and where the carrier saw it), not twice. Notes of the moves are staff's and stay with staff."""
    events = list(shipment_events(shipment=shipment) if events is None else events)
    told_by_events = any(event.state == EventState.APPLIED for event in events)
    rows = [TimelineEntry(at=change.created_at, kind="status", label=str(SS(change.to_status).label),
                          status=change.to_status, by=change.by)
            for change in shipment.history.all()
            if not (told_by_events and change.by_id is None and change.from_status)]
    for event in events:
        rows.append(TimelineEntry(at=event.occurred_at, kind="event", label=event.get_status_display(),
                                  status=event.status, location=event.location, message=event.message,
                                  applied=event.state == EventState.APPLIED))
    return sorted(rows, key=lambda row: (row.at, row.kind == "status"))


# --- the order page and the dashboard ---------------------------------------------------------------------------------

def order_shipments(*, actor, order) -> list[Shipment]:
    """The shipments of one of the actor's dealer's orders (outbound, oldest first), with parcels, carrier, history
    and shown events: a fixed number of queries whatever the number of shipments."""
    return list(shipments_of(actor=actor).filter(order=order, kind="outbound").select_related("carrier", "invoice")
                .prefetch_related(
                    Prefetch("parcels", queryset=Parcel.objects.order_by("pk")),
                    Prefetch("history", queryset=ShipmentStatusChange.objects.select_related("by")
                             .order_by("created_at", "pk")),
                    Prefetch("events", queryset=TrackingEvent.objects.filter(state__in=SHOWN_EVENT_STATES)
                             .order_by("occurred_at", "pk"), to_attr="shown_events"))
                .order_by("created_at", "pk"))


@dataclass(frozen=True)
class OnTheWay:
    count: int
    latest: list


def on_the_way(*, actor, latest: int = 3) -> OnTheWay:
    """The actor's dealer's shipments that have left and not arrived (shipped, in transit, out for delivery, delivery
    failed): how many, and the latest few (by when they were shipped). Two queries."""
    rows = shipments_of(actor=actor).filter(status__in=ON_THE_WAY, kind="outbound")
    found = list(rows.select_related("order", "carrier").order_by("-shipped_at", "-pk")[:latest])
    count = len(found) if len(found) < latest else rows.count()
    return OnTheWay(count=count, latest=found)


# --- delivery reports --------------------------------------------------------------------------------------------------

def delivery_report_of(*, shipment) -> DeliveryReport | None:
    """The shipment's delivery report with its problems (and their lines) and photos, or None."""
    return (DeliveryReport.objects.filter(shipment=shipment).select_related("reported_by")
            .prefetch_related(Prefetch("problems", queryset=DeliveryProblem.objects.select_related(
                "shipment_line__order_line")), "photos").first())


def open_delivery_problems(*, dealer=None):
    """Delivery reports "received with problems", oldest first, for the support stage (issue 15) to pick up: each
    with its shipment (and order, dealer), who reported it, its problem lines and photos. `dealer`: only that
    dealer's. Nothing closes a report yet: support will say which ones it has taken (a ticket per report)."""
    rows = (DeliveryReport.objects.filter(outcome=DeliveryOutcome.PROBLEMS)
            .select_related("shipment__order", "shipment__dealer", "reported_by")
            .prefetch_related(Prefetch("problems", queryset=DeliveryProblem.objects.select_related(
                "shipment_line__order_line")), "photos")
            .order_by("reported_at", "pk"))
    if dealer is not None:
        rows = rows.filter(shipment__dealer=dealer)
    return rows


def get_delivery_photo(*, pk) -> DeliveryPhoto:
    """A delivery photo by its id (404 when there is none); who may see it is permissions.can_read_delivery_photo's
    to say."""
    photo = DeliveryPhoto.objects.select_related("report__shipment").filter(pk=pk).first()
    if photo is None:
        raise Http404
    return photo
