"""Returns (issue 14, section 7): the goods of an approved return travel back to us as a return shipment (kind
`return`), with its own return waybill, tracked like any shipment; delivered back, the return is received through
orders' `receive_return` (restocked, and payments' credit note).

* Who creates the return shipment: staff, once the return is approved (the return's admin page: "Create the return
  shipment", or `create_return_shipment`), because only they know how the goods come back: a carrier's pickup with
  its tracking (return) code, or the own truck collecting them. It is not made at approval by itself: a carrier
  shipment needs its tracking code, which the carrier gives when the pickup is booked.
* Its line is the returned order line with the return's quantity; it never counts as shipped for the order
  (shipping.services.shipments); one return shipment per return is on its way at a time.
* Its waybill is issued when it is made (the goods travel with it, so the dealer prints it before handing them
  over): number, PDF (the dealer sends, the company receives), e-İrsaliye.
* Tracking events find it like any shipment: by (carrier, tracking code) of an open shipment (shipping.services.
  tracking.match_shipment looks at outbound and return shipments alike), and move it the same way.
* Delivered (back to us), by an event or by staff: `return_on_shipment_moved` (on `shipping.shipment.moved`) calls
  orders' `receive_return` in the same transaction: the return becomes "received", its quantity goes back to stock,
  payments credits it. A refusal there (its invoice was voided meanwhile) refuses the delivery move too.
* Before a return shipment exists the dealer reads where to send the goods, the reference to write on them and the
  carrier (settings.SHIPPING_RETURN_CARRIER, a carrier's code, else the carrier that brought the goods); see
  `return_instructions` (shown on the order's page by the template tag `return_instructions`).

Locks: the order (which the return's writers in orders hold too), then the new shipment, then the SHP- and IRS-
counters."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import audit, locks, outbox
from portal.lifecycle import acting_user
from portal.numbering import next_number

from ..errors import ReturnNotApproved, ReturnShipmentExists
from ..models import (
    Carrier,
    Parcel,
    Shipment,
    ShipmentKind,
    ShipmentLine,
    ShipmentStatus,
    ShipmentStatusChange,
)
from ..permissions import may_ship, require_may_ship
from .shipments import carrier_or_truck, check_parcels
from .waybill import address_lines, issue_waybill, return_address

__all__ = ["ReturnInstructions", "create_return_shipment", "open_return_shipment", "return_carrier",
           "return_instructions", "return_on_shipment_moved", "why_no_return_shipment"]

SS = ShipmentStatus
APPROVED, RECEIVED = "approved", "received"  # orders.models.ReturnStatus values


def open_return_shipment(return_request) -> Shipment | None:
    """The return's shipment on its way (not one that came back undelivered), None when it has none."""
    return (Shipment.objects.filter(kind=ShipmentKind.RETURN, return_request=return_request)
            .exclude(status=SS.RETURNED).select_related("carrier").order_by("-created_at", "-pk").first())


def why_no_return_shipment(return_request) -> str:
    """Why the return cannot get a return shipment now ("" when it can)."""
    if return_request.status != APPROVED:
        return _("Return %(number)s is “%(status)s”: only an approved return whose goods are still to come back "
                 "gets a return shipment.") % {"number": return_request.number,
                                               "status": return_request.get_status_display()}
    existing = open_return_shipment(return_request)
    if existing is not None:
        return _("Return %(number)s has its return shipment %(shipment)s already.") % {
            "number": return_request.number, "shipment": existing.number}
    return ""


@locks.retry_when_busy
def create_return_shipment(*, actor, return_request, parcels, carrier: Carrier | None = None, truck=None,
                           note: str = "") -> Shipment:
    """A return shipment of an approved return: the returned line and quantity, `parcels` [(tracking code, weight
    in kg)], by `carrier` (its pickup) or the own `truck` collecting them; its waybill is issued at once (module
    doc). Staff only; refused for a return that is not approved, or that has a return shipment on its way."""
    from orders.models import ReturnRequest

    require_may_ship(actor, return_request)
    truck_values = carrier_or_truck(carrier, truck)
    checked_parcels = check_parcels(parcels, by_carrier=carrier is not None)
    with transaction.atomic():
        order = locks.order(return_request.order_id)  # orders' return services hold it too: no move meanwhile
        rma = ReturnRequest.objects.select_related("line", "requested_by").get(pk=return_request.pk)
        if rma.status != APPROVED:
            raise ReturnNotApproved(why_no_return_shipment(rma))
        if open_return_shipment(rma) is not None:
            raise ReturnShipmentExists(why_no_return_shipment(rma))
        user, _on_behalf = acting_user(actor)
        shipment = Shipment.objects.create(number=next_number("SHP"), order=order, dealer=order.dealer,
                                           carrier=carrier, kind=ShipmentKind.RETURN, return_request=rma,
                                           created_by=user, **truck_values)
        ShipmentLine.objects.create(shipment=shipment, order_line=rma.line, quantity=rma.quantity)
        Parcel.objects.bulk_create([Parcel(shipment=shipment, tracking_code=code, weight_kg=kg)
                                    for code, kg in checked_parcels])
        ShipmentStatusChange.objects.create(shipment=shipment, from_status="", to_status=shipment.status, by=user,
                                            note=note or _("Return %(number)s") % {"number": rma.number})
        audit.record(actor=user, action="shipping.return_shipment.created", target=shipment, dealer=order.dealer,
                     data={"number": shipment.number, "order": order.number, "return": rma.number,
                           "quantity": str(rma.quantity), "parcels": len(checked_parcels)})
        issue_waybill(shipment=shipment, actor=actor)
        _mail_return_shipment(shipment, rma)
    return shipment


def _mail_return_shipment(shipment, rma) -> None:
    """The return's requester learns how the goods come back and where its return waybill is."""
    order = rma.order
    outbox.notify(to=rma.requested_by, template="shipping/return_shipment", context={
        "first_name": rma.requested_by.first_name, "number": order.number, "rma": rma.number, "sku": rma.line.sku,
        "quantity": str(rma.quantity), "unit": rma.line.unit, "shipment": shipment.number,
        "carrier": shipment.carrier.name if shipment.carrier_id else "", "plate": shipment.vehicle_plate,
        "waybill": shipment.waybill_number, "url": settings.SITE_URL + order.get_absolute_url(),
        "waybill_url": settings.SITE_URL + reverse("shipping:waybill", args=[shipment.number])})


def return_on_shipment_moved(*, shipment, previous, actor) -> None:
    """Registered on `shipping.shipment.moved`: a return shipment delivered (back to us) receives its return through
    orders (restock, credit note), in the same transaction; as the portal's own move unless staff moved it."""
    if shipment.kind != ShipmentKind.RETURN or shipment.status != SS.DELIVERED or not shipment.return_request_id:
        return
    from orders.services import receive_return

    receive_return(actor=actor if may_ship(actor) else None, rma=shipment.return_request,
                   note=_("Return shipment %(number)s delivered.") % {"number": shipment.number})


# --- what the dealer reads ---------------------------------------------------------------------------------------

def return_carrier(return_request) -> Carrier | None:
    """The carrier the dealer sends an approved return with, before staff made its return shipment: the one of
    settings.SHIPPING_RETURN_CARRIER (a carrier's code), else the carrier that brought the goods, else None."""
    code = getattr(settings, "SHIPPING_RETURN_CARRIER", "")
    if code:
        carrier = Carrier.objects.filter(code=code, active=True, own_truck=False).first()
        if carrier is not None:
            return carrier
    brought = (Shipment.objects.filter(order_id=return_request.order_id, kind=ShipmentKind.OUTBOUND,
                                       lines__order_line_id=return_request.line_id, carrier__isnull=False)
               .select_related("carrier").order_by("-shipped_at", "-pk").first())
    return brought.carrier if brought is not None and brought.carrier.active else None


@dataclass
class ReturnInstructions:
    """What the dealer is told about an approved (or received) return: where to send its goods, the reference to
    write on every parcel, who carries them, and the return shipment with its waybill once staff made it."""

    return_request: object
    reference: str
    address_lines: list = field(default_factory=list)
    carrier: Carrier | None = None
    shipment: Shipment | None = None
    parcels: list = field(default_factory=list)
    received: bool = False


def return_instructions(return_request) -> ReturnInstructions | None:
    """The instructions of an approved or received return; None for a requested or rejected one."""
    if return_request.status not in (APPROVED, RECEIVED):
        return None
    shipment = (Shipment.objects.filter(kind=ShipmentKind.RETURN, return_request=return_request)
                .select_related("carrier").order_by("-created_at", "-pk").first())
    if shipment is not None and shipment.status == SS.RETURNED and return_request.status == APPROVED:
        shipment = None  # it came back undelivered: the goods are to send again
    carrier = shipment.carrier if shipment is not None else return_carrier(return_request)
    return ReturnInstructions(
        return_request=return_request, reference=return_request.number, address_lines=address_lines(
            return_address()), carrier=carrier, shipment=shipment,
        parcels=list(shipment.parcels.all()) if shipment is not None else [],
        received=return_request.status == RECEIVED)
