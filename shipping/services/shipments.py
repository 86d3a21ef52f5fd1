"""Shipments (issue 14, section 2): staff ship part or all of an order, in parcels, by a carrier or the own truck, and
move the shipment along SHIPMENT (shipping/models.py); the order follows its shipments by itself.

Locks (docs/architecture.md, "Lock order"): the order first, then (when a move changes the order's status, through
orders' `set_status`: its payments and invoices) the shipment, then the SHP- number counter. Every writer of a
shipment locks its order first, so two staff (or staff and the ERP) shipping one order at the same moment wait for
each other and the second sees what the first shipped: shipping more than was ordered is impossible.

Which orders may ship: confirmed, processing or partially shipped ones. A placed order is confirmed first (its table
has no direct move from placed to shipped), a waiting, cancelled, rejected or fully shipped one is refused.

What a line still has to ship: what was ordered, less every outbound shipment of it that is not `returned` (one still
being prepared holds its quantity too; a returned one came back undelivered, so its quantity is to ship again), less
what staff cancelled because it will never ship (short-shipping, `short_ship`: the line's `short_shipped_quantity`).
A return shipment (kind `return`, section 7) carries goods back from the dealer and never counts for the order.

The order's status follows (`order_status_for`): `partially_shipped` while some quantity has left and some is still
to ship, `shipped` when every line has left or was cancelled, `delivered` when moreover every shipment that left has
arrived; back to `processing` when nothing has left any more (its only shipment came back), `cancelled` when staff
cancel everything before anything left."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from payments.services import dealer_language
from portal import audit, locks
from portal.lifecycle import acting_user
from portal.numbering import next_number

from ..errors import (
    BadNationalId,
    BadParcel,
    BadPlate,
    BadShipmentLine,
    CarrierOrTruck,
    NoteMissing,
    OrderNotShippable,
    OverShipped,
    ParcelsClosed,
)
from ..models import (
    LEFT,
    SHIPMENT,
    Carrier,
    Parcel,
    Shipment,
    ShipmentKind,
    ShipmentLine,
    ShipmentStatus,
    ShipmentStatusChange,
)
from ..permissions import may_ship, require_may_ship

SS = ShipmentStatus
SHIPPABLE_ORDER_STATUSES = ("confirmed", "processing", "partially_shipped")
QUANTUM = Decimal("0.001")
MAX_PARCEL_KG = Decimal(10) ** 7  # Parcel.weight_kg holds 10 digits, 3 of them decimals
# A Turkish plate: province code 01–81, one to three letters, two to four digits ("34 ABC 123", "06 A 1234").
PLATE = re.compile(r"^(0[1-9]|[1-7][0-9]|8[01])([A-Z]{1,3})(\d{2,4})$")


# --- the own truck ------------------------------------------------------------------------------------------------

def valid_national_id(value: str) -> bool:
    """A Turkish national ID number (T.C. Kimlik No): 11 digits, not starting with 0, with its two check digits."""
    if not re.fullmatch(r"[1-9]\d{10}", value or ""):
        return False
    d = [int(c) for c in value]
    tenth = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    return d[9] == tenth and d[10] == sum(d[:10]) % 10


def normalise_plate(value: str, *, field="vehicle_plate") -> str:
    """A Turkish plate in its written form, upper-case with single spaces ("34abc123" → "34 ABC 123"); raises
    BadPlate when it is not one."""
    compact = re.sub(r"[\s-]+", "", str(value or "")).upper()
    match = PLATE.match(compact)
    if not match:
        raise BadPlate(_("“%(plate)s” is not a Turkish vehicle plate (e.g. 34 ABC 123).") % {"plate": value},
                       field=field)
    return " ".join(match.groups())


@dataclass(frozen=True)
class Truck:
    """The own truck of a shipment: driver, national ID number, vehicle plate and (optional) trailer plate."""

    driver_name: str
    driver_national_id: str
    vehicle_plate: str
    trailer_plate: str = ""


def truck_fields(truck) -> dict:
    """The checked, normalised own-truck fields of a Truck (or a dict of its fields)."""
    values = truck if isinstance(truck, dict) else truck.__dict__
    name = (values.get("driver_name") or "").strip()
    national_id = re.sub(r"\s+", "", values.get("driver_national_id") or "")
    if not name:
        raise CarrierOrTruck(_("Give the driver's name."), field="driver_name")
    if not valid_national_id(national_id):
        raise BadNationalId(_("The driver's national ID number must be 11 digits with valid check digits."),
                            field="driver_national_id")
    trailer = (values.get("trailer_plate") or "").strip()
    return {"driver_name": name, "driver_national_id": national_id,
            "vehicle_plate": normalise_plate(values.get("vehicle_plate"), field="vehicle_plate"),
            "trailer_plate": normalise_plate(trailer, field="trailer_plate") if trailer else ""}


# --- quantities ---------------------------------------------------------------------------------------------------

def outbound(order):
    """The order's shipments to the dealer: a return shipment (kind `return`) never counts for the order."""
    return Shipment.objects.filter(order=order, kind=ShipmentKind.OUTBOUND)


def _sums(rows) -> dict:
    return {row["order_line_id"]: row["total"] for row in rows.values("order_line_id").annotate(total=Sum("quantity"))}


def shipped_quantities(order) -> dict:
    """{order line id: quantity in an outbound shipment of the order that did not come back} (being prepared or
    gone; lines never shipped are left out)."""
    return _sums(ShipmentLine.objects.filter(shipment__order=order, shipment__kind=ShipmentKind.OUTBOUND)
                 .exclude(shipment__status=SS.RETURNED))


def unshipped_quantities(order) -> dict:
    """{order line id: what is still to ship} for every line of the order: ordered, less its shipments (module doc),
    less what staff cancelled (short-shipped)."""
    shipped = shipped_quantities(order)
    return {line.pk: line.quantity - line.short_shipped_quantity - shipped.get(line.pk, Decimal("0"))
            for line in order.lines.all()}


@dataclass(frozen=True)
class LineProgress:
    """Where one order line stands: ordered, in shipments being prepared, gone (left and not back), cancelled
    (short-shipped) and still to ship."""

    line: object
    ordered: Decimal
    preparing: Decimal
    left: Decimal
    cancelled: Decimal
    to_ship: Decimal


def line_progress(order) -> list[LineProgress]:
    """Every line of the order with its quantities (LineProgress), in the order's line order. Two queries."""
    rows = ShipmentLine.objects.filter(shipment__order=order, shipment__kind=ShipmentKind.OUTBOUND)
    preparing = _sums(rows.filter(shipment__status=SS.PREPARING))
    left = _sums(rows.filter(shipment__status__in=LEFT))
    progress = []
    for line in order.lines.all():
        held = preparing.get(line.pk, Decimal("0")) + left.get(line.pk, Decimal("0"))
        progress.append(LineProgress(line=line, ordered=line.quantity, preparing=preparing.get(line.pk, Decimal("0")),
                                     left=left.get(line.pk, Decimal("0")), cancelled=line.short_shipped_quantity,
                                     to_ship=line.quantity - line.short_shipped_quantity - held))
    return progress


def not_shippable_reason(order) -> str:
    """Why nothing of `order` can ship now (or have its rest cancelled), in the reader's language; "" when it can."""
    if order.status not in SHIPPABLE_ORDER_STATUSES:
        return _("Order %(number)s is “%(status)s”: only a confirmed, processing or partially shipped order "
                 "ships.") % {"number": order.number, "status": order.get_status_display()}
    if not any(rest > 0 for rest in unshipped_quantities(order).values()):
        return _("Nothing of order %(number)s is left to ship: every line is in a shipment or cancelled.") % {
            "number": order.number}
    return ""


def _quantity(value, line) -> Decimal:
    try:
        quantity = Decimal(str(value).strip().replace(",", "."))
        if quantity.is_finite() and quantity != quantity.quantize(QUANTUM):  # quantize raises for "1e30"
            quantity = None
    except (InvalidOperation, ValueError):
        quantity = None
    if quantity is None or not quantity.is_finite() or quantity < 0:
        raise BadShipmentLine(_("%(sku)s: the quantity must be a number of at most three decimals, not below zero.")
                              % {"sku": line.sku}, field="lines")
    return quantity


def _parcels(parcels, *, by_carrier) -> list[tuple[str, Decimal]]:
    checked = []
    for tracking_code, weight in parcels or ():
        code = str(tracking_code or "").strip()
        try:
            kg = Decimal(str(weight).strip().replace(",", "."))
            if kg.is_finite() and (kg != kg.quantize(QUANTUM) or kg >= MAX_PARCEL_KG):  # quantize raises for "1e30"
                kg = None
        except (InvalidOperation, ValueError):
            kg = None
        if kg is None or not kg.is_finite() or kg <= 0:
            raise BadParcel(_("A parcel's weight must be a positive number of kilograms."), field="parcels")
        if by_carrier and not code:
            raise BadParcel(_("A parcel sent by a carrier needs its tracking code."), field="parcels")
        checked.append((code, kg))
    if not checked:
        raise BadParcel(_("A shipment needs at least one parcel."), field="parcels")
    return checked


def check_parcels(parcels, *, by_carrier) -> list[tuple[str, Decimal]]:
    """[(tracking code, weight in kg)] checked as every shipment's parcels are (a return shipment's too): at least
    one, positive weights, a tracking code on each parcel a carrier carries. Raises BadParcel."""
    return _parcels(parcels, by_carrier=by_carrier)


# --- create -------------------------------------------------------------------------------------------------------

def carrier_or_truck(carrier, truck) -> dict:
    """A shipment goes by a cargo `carrier` or by the own `truck` (a Truck or a dict of its fields), never both nor
    neither: the truck's checked fields ({} for a carrier), or CarrierOrTruck."""
    if (carrier is None) == (truck is None):
        raise CarrierOrTruck(_("Choose a carrier or fill in the own truck's driver and plate: one of the two."),
                             field="carrier")
    if carrier is not None and carrier.own_truck:
        raise CarrierOrTruck(_("“%(carrier)s” is the own truck: fill in its driver and plate instead.")
                             % {"carrier": carrier}, field="carrier")
    return truck_fields(truck) if truck is not None else {}


def _wanted(order, lines, *, over, none, order_lines=None) -> dict:
    """{order line id: quantity} of `lines` (zeros left out), each a line of `order` and within its unshipped rest
    (`over`: the refusal, with %(sku)s, %(quantity)s, %(rest)s); `none`: the refusal when every quantity is zero.
    The caller holds the order's lock."""
    order_lines = order_lines if order_lines is not None else {line.pk: line for line in order.lines.all()}
    rest = unshipped_quantities(order)
    wanted = {}
    for line_id, value in (lines or {}).items():
        line = order_lines.get(_int(line_id))
        if line is None:
            raise BadShipmentLine(_("Line %(line)s is not a line of order %(number)s.")
                                  % {"line": line_id, "number": order.number}, field="lines")
        quantity = _quantity(value, line)
        if quantity > rest[line.pk]:
            raise OverShipped(over % {"sku": line.sku, "quantity": _plain(quantity), "rest": _plain(rest[line.pk])},
                              field="lines")
        if quantity:
            wanted[line.pk] = quantity
    if not wanted:
        raise BadShipmentLine(none, field="lines")
    return wanted


@locks.retry_when_busy
def create_shipment(*, actor, order, lines: dict, parcels, carrier: Carrier | None = None, truck=None,
                    note: str = "", ship: bool = False) -> Shipment:
    """A shipment of `order` in `preparing`: `lines` {order line id: quantity} (a zero quantity is left out),
    `parcels` [(tracking code, weight in kg)], by `carrier` or by the own `truck` (a Truck or a dict of its fields),
    never both. Refuses a quantity above a line's unshipped rest, also against a shipment made at the same moment.
    `ship`: moved to `shipped` at once, in the same transaction (the ERP's shipments leave as they are reported), so
    a refused move (the order waits for its money) makes no shipment either."""
    require_may_ship(actor, order)
    truck_values = carrier_or_truck(carrier, truck)
    checked_parcels = _parcels(parcels, by_carrier=carrier is not None)
    with transaction.atomic():
        order = locks.order(order)
        if order.status not in SHIPPABLE_ORDER_STATUSES:
            raise OrderNotShippable(not_shippable_reason(order))
        wanted = _wanted(order, lines, over=_("%(sku)s: %(quantity)s is more than the %(rest)s still to ship."),
                         none=_("Ship at least one line: every quantity is zero."))
        user, _on_behalf = acting_user(actor)
        shipment = Shipment.objects.create(number=next_number("SHP"), order=order, dealer=order.dealer,
                                           carrier=carrier, created_by=user, **truck_values)
        ShipmentLine.objects.bulk_create([ShipmentLine(shipment=shipment, order_line_id=line_id, quantity=quantity)
                                          for line_id, quantity in wanted.items()])
        Parcel.objects.bulk_create([Parcel(shipment=shipment, tracking_code=code, weight_kg=kg)
                                    for code, kg in checked_parcels])
        ShipmentStatusChange.objects.create(shipment=shipment, from_status="", to_status=shipment.status, by=user,
                                            note=note)
        audit.record(actor=user, action="shipping.shipment.created", target=shipment, dealer=order.dealer,
                     data={"number": shipment.number, "order": order.number,
                           "lines": {str(k): str(v) for k, v in wanted.items()}, "parcels": len(checked_parcels)})
        if ship:
            shipment = move_shipment(actor=actor, shipment=shipment, to=SS.SHIPPED, note=note)
    return shipment


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _plain(quantity: Decimal) -> str:
    text = f"{quantity:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- move ---------------------------------------------------------------------------------------------------------

def order_status_for(order, statuses: dict, *, cancelled: dict | None = None) -> str:
    """The status `order` takes when its outbound shipments have `statuses` {shipment id: status} and its lines'
    cancelled quantities are `cancelled` {line id: quantity} (default: their short_shipped_quantity) — the module
    doc's rules. Only the order's shipping statuses are answered: an order some shipment has left is
    `partially_shipped`, `shipped` or `delivered`; one nothing has left (any more) is `processing` when it was
    shipping, `cancelled` when every line is cancelled, else its own status."""
    lines = list(order.lines.all())
    if cancelled is None:
        cancelled = {line.pk: line.short_shipped_quantity for line in lines}
    gone = [pk for pk, status in statuses.items() if status in LEFT]
    sent = _sums(ShipmentLine.objects.filter(shipment_id__in=gone)) if gone else {}
    zero = Decimal("0")
    if not any(quantity > 0 for quantity in sent.values()):
        if lines and all(cancelled.get(line.pk, zero) >= line.quantity for line in lines):
            return "cancelled"
        return "processing" if order.status in ("partially_shipped", "shipped") else order.status
    if not all(sent.get(line.pk, zero) + cancelled.get(line.pk, zero) >= line.quantity for line in lines):
        return "partially_shipped"
    if all(status == SS.DELIVERED for status in statuses.values() if status != SS.RETURNED):
        return "delivered"
    return "shipped"


def order_status_after(order, shipment, to) -> str:
    """The status the order takes when `shipment` moves to `to` (the order's own status when it stays): it follows
    a shipment that leaves, arrives or comes back; a return shipment (kind `return`) never moves it."""
    if to not in (SS.SHIPPED, SS.DELIVERED, SS.RETURNED) or shipment.kind != ShipmentKind.OUTBOUND:
        return order.status
    statuses = dict(outbound(order).exclude(pk=shipment.pk).values_list("pk", "status"))
    statuses[shipment.pk] = to
    return order_status_for(order, statuses)


# The order's statuses a shipment may take it through: forwards as goods leave and arrive, and back to processing or
# partially shipped when a shipment comes back (orders' table allows both, orders/models/order.py).
ORDER_SHIPPING_STEPS = ("shipped", "partially_shipped", "delivered", "processing")
# The order's moves a shipment's own mail tells the dealer about (an order back to processing is mailed by orders).
TOLD_BY_SHIPMENT = ("shipped", "partially_shipped", "delivered")


def order_steps(order_lifecycle, current, target) -> list | None:
    """The order's moves from `current` to `target` that its own table allows, through the shipping statuses only
    (a confirmed order whose every shipment is delivered at once goes shipped, then delivered); [] when it stays,
    None when its table has no way (a cancelled order)."""
    if current == target:
        return []
    paths = [[current]]
    while paths:
        path = paths.pop(0)
        for step in ORDER_SHIPPING_STEPS:
            if step not in path and order_lifecycle.allowed(path[-1], step):
                if step == target:
                    return [*path[1:], step]
                paths.append([*path, step])
    return None


@locks.retry_when_busy
def move_shipment(*, actor, shipment, to, note: str = "", permission=None) -> Shipment:
    """Move `shipment` to `to` through SHIPMENT (the table, history, audit, hooks `shipping.shipment.guard` /
    `.moved`); the order follows (module doc) through orders' own `set_status`, in the same transaction.

    `permission`: the `require_*` function (actor, shipment) that lets `actor` make this move; default
    `require_may_ship` (staff). A path that is not staff's passes its own (the dealer's delivery report:
    `require_may_report_delivery`); the order then follows as the portal's own move (actor None), since orders lets
    only staff (or the portal) set an order's status."""
    from orders.models import ORDER
    from orders.services import set_status

    (permission or require_may_ship)(actor, shipment)
    order_actor = actor if may_ship(actor) else None
    with transaction.atomic():
        order = locks.order(shipment.order_id)
        current = Shipment.objects.get(pk=shipment.pk)  # its writers hold the order: read before the order moves
        SHIPMENT.check(current.status, to)
        target = order_status_after(order, current, to)
        steps = order_steps(ORDER, order.status, target)
        if steps is None:
            raise OrderNotShippable(_("Order %(number)s is “%(status)s”: it cannot become “%(target)s”.") % {
                "number": order.number, "status": order.get_status_display(),
                "target": ORDER.statuses(target).label})
        if steps:
            # The order's history note is read by the dealer: in its language, whoever (or whichever task) moved.
            with translation.override(dealer_language(order.dealer)):
                step_note = _("Shipment %(number)s: %(status)s") % {"number": current.number, "status": SS(to).label}
        for step in steps:
            # The shipment's own mail (shipping/services/notices.py) tells the dealer, with its parcels: the order's
            # "shipped"/"delivered" mail would say it twice.
            order = set_status(actor=order_actor, order=order, status=step, notify=step not in TOLD_BY_SHIPMENT,
                               note=step_note)
        shipment = locks.shipment(shipment)
        fields = []
        if to == SS.SHIPPED and shipment.shipped_at is None:
            shipment.shipped_at = timezone.now()
            fields.append("shipped_at")
        if to == SS.DELIVERED:
            shipment.delivered_at = timezone.now()
            fields.append("delivered_at")
        SHIPMENT.move(shipment, to=to, actor=actor, note=note, fields=fields, dealer=order.dealer,
                      audit_data={"number": shipment.number, "order": order.number})
    return shipment


# --- parcels added while preparing ----------------------------------------------------------------------------------

@locks.retry_when_busy
def add_parcels(*, actor, shipment, parcels) -> list[Parcel]:
    """Add `parcels` [(tracking code, weight in kg)] to a shipment still being prepared (the warehouse packs more
    boxes than it thought); refused once the shipment has left (ParcelsClosed, 409): its waybill and the dealer's mail
    list the parcels it left with. Returns the new parcels."""
    require_may_ship(actor, shipment)
    with transaction.atomic():
        order = locks.order(shipment.order_id)
        shipment = locks.shipment(shipment)
        if shipment.status != SS.PREPARING:
            raise ParcelsClosed(_("Shipment %(number)s is “%(status)s”: parcels are added only while it is being "
                                  "prepared.") % {"number": shipment.number, "status": shipment.get_status_display()})
        checked = _parcels(parcels, by_carrier=shipment.carrier_id is not None)
        made = Parcel.objects.bulk_create([Parcel(shipment=shipment, tracking_code=code, weight_kg=kg)
                                           for code, kg in checked])
        user, _on_behalf = acting_user(actor)
        audit.record(actor=user, action="shipping.shipment.parcels_added", target=shipment, dealer=order.dealer,
                     data={"number": shipment.number, "parcels": [[code, str(kg)] for code, kg in checked]})
    return made


# --- short-shipping: the rest of a line will never ship --------------------------------------------------------------

@locks.retry_when_busy
def short_ship(*, actor, order, lines: dict, note: str):
    """Staff cancel `lines` {order line id: quantity} of `order` that will never ship, saying why (`note`). A
    quantity may be at most what the line still has to ship (what a shipment being prepared holds is not cancelled
    here: take it out of that shipment first). Under the order's lock, with what is shipped now, the order's new
    status is worked out (module doc: shipped or delivered when every line has left or is cancelled, cancelled when
    nothing left and everything is cancelled) and orders' `cancel_rest` records it: the lines' cancelled quantity,
    stock given back, history, audit, the dealer's mail; payments stops counting what will not ship. Returns the
    order."""
    from orders.models import ORDER
    from orders.services import cancel_rest, set_status

    require_may_ship(actor, order)
    note = (note or "").strip()
    if not note:
        raise NoteMissing(_("Say why the rest will not ship (the dealer reads it)."), field="note")
    with transaction.atomic():
        order = locks.order(order)
        if order.status not in SHIPPABLE_ORDER_STATUSES:
            raise OrderNotShippable(not_shippable_reason(order))
        order_lines = {line.pk: line for line in order.lines.all()}
        wanted = _wanted(order, lines, order_lines=order_lines,
                         over=_("%(sku)s: %(quantity)s is more than the %(rest)s still to ship (what a shipment "
                                "being prepared holds is not cancelled here)."),
                         none=_("Cancel at least one line: every quantity is zero."))
        cancelled = {pk: line.short_shipped_quantity + wanted.get(pk, Decimal("0"))
                     for pk, line in order_lines.items()}
        target = order_status_for(order, dict(outbound(order).values_list("pk", "status")), cancelled=cancelled)
        direct = target == order.status or ORDER.allowed(order.status, target)
        steps = [] if direct else order_steps(ORDER, order.status, target) or []
        order = cancel_rest(actor=actor, order=order, quantities=wanted, note=note,
                            status=target if direct else None)
        for step in steps:
            order = set_status(actor=actor, order=order, status=step, note=note)
    return order
