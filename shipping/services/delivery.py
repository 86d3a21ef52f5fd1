"""Delivery confirmation (issue 14, section 5): the dealer says a shipment was received, or received with problems
(which lines, what kind of problem, how much, what happened, photos). The report is kept for the support stage to
pick up (`shipping.selectors.open_delivery_problems`); staff see it on the shipment's admin page and are mailed when
there are problems.

A shipment is "delivered" by a tracking event (the carrier or the ERP), by staff (the admin's move), or by the
dealer's report: a report on a shipment still on its way (shipped, in transit, out for delivery) moves it to
delivered through `move_shipment`, along the steps its table allows, with the dealer as the actor; a shipment
delivered already only gets the report. One report per shipment (409 the second time, also for two at once: the
shipment row is locked). Locks: the order, then the shipment (docs/architecture.md)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal import audit, locks, outbox, uploads
from portal.lifecycle import acting_user

from .. import hooks as shipping_hooks
from ..errors import BadDeliveryPhoto, BadDeliveryReport, DeliveryAlreadyReported, DeliveryNotReportable
from ..models import (
    DeliveryOutcome,
    DeliveryPhoto,
    DeliveryProblem,
    DeliveryReport,
    ProblemKind,
    ShipmentKind,
    ShipmentNotice,
    ShipmentStatus,
)
from ..permissions import require_may_report_delivery
from .notices import NOTIFIED
from .tracking import forward_steps

SS = ShipmentStatus
# A report is taken while the goods are on their way (the dealer has them before the carrier says so) or once
# delivered; a shipment still being prepared, failed at the door or sent back is not the dealer's to confirm.
REPORTABLE = (SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED)
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
QUANTUM = Decimal("0.001")


@dataclass(frozen=True)
class Problem:
    """One problem line of a report: a line of the shipment (its id), the kind of problem, how much of it."""

    line: int
    kind: str
    quantity: Decimal | str


def is_reportable(shipment) -> bool:
    """Whether the shipment's delivery may still be reported (its status; one report per shipment)."""
    return (shipment.kind == ShipmentKind.OUTBOUND and shipment.status in REPORTABLE
            and not DeliveryReport.objects.filter(shipment_id=shipment.pk).exists())


def check_photos(photos) -> list:
    """At most five images (JPEG, PNG or WebP, told by their content, never their name) of at most 5 MB each; each
    is renamed to the detected type's extension. Raises BadDeliveryPhoto."""
    photos = [photo for photo in (photos or []) if photo]
    if len(photos) > MAX_PHOTOS:
        raise BadDeliveryPhoto(_("At most %(n)s photos.") % {"n": MAX_PHOTOS}, field="photos")
    for photo in photos:
        if photo.size > MAX_PHOTO_BYTES:
            raise BadDeliveryPhoto(_("“%(name)s” is larger than 5 MB.") % {"name": photo.name}, field="photos")
        if uploads.accept(photo, allowed=PHOTO_TYPES) is None:
            raise BadDeliveryPhoto(_("“%(name)s” is not a photo: send JPEG, PNG or WebP images.")
                                   % {"name": photo.name}, field="photos")
    return photos


def _quantity(value) -> Decimal | None:
    try:
        quantity = Decimal(str(value).strip().replace(",", "."))
        # quantize raises InvalidOperation for a finite number too long for the context ("1e30")
        if not quantity.is_finite() or quantity <= 0 or quantity != quantity.quantize(QUANTUM):
            return None
    except (InvalidOperation, ValueError):
        return None
    return quantity


def _check_problems(shipment, problems) -> list[tuple]:
    """[(shipment line, kind, quantity)] of the problems, each a Problem or a dict with line, kind, quantity. The
    quantities of one line together never exceed what the shipment carried of it."""
    from catalog.units import quantity_with_unit

    lines = {line.pk: line for line in shipment.lines.select_related("order_line")}
    checked, per_line = [], {}
    for problem in problems or ():
        values = problem if isinstance(problem, dict) else problem.__dict__
        line = lines.get(_int(values.get("line")))
        if line is None:
            raise BadDeliveryReport(_("Choose a line of shipment %(number)s for each problem.")
                                    % {"number": shipment.number}, field="problems")
        kind = values.get("kind") or ""
        if kind not in ProblemKind.values:
            raise BadDeliveryReport(_("%(sku)s: choose what the problem is.") % {"sku": line.order_line.sku},
                                    field="problems")
        quantity = _quantity(values.get("quantity"))
        if quantity is None:
            raise BadDeliveryReport(_("%(sku)s: the quantity must be a number above zero (at most three decimals).")
                                    % {"sku": line.order_line.sku}, field="problems")
        per_line[line.pk] = per_line.get(line.pk, Decimal("0")) + quantity
        if per_line[line.pk] > line.quantity:
            raise BadDeliveryReport(
                _("%(sku)s: problems with %(quantity)s, but the shipment carried %(shipped)s.") % {
                    "sku": line.order_line.sku, "quantity": quantity_with_unit(per_line[line.pk], line.order_line.unit),
                    "shipped": quantity_with_unit(line.quantity, line.order_line.unit)}, field="problems")
        checked.append((line, kind, quantity))
    return checked


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@locks.retry_when_busy
def report_delivery(*, actor, shipment, outcome, note: str = "", problems=(), photos=()) -> DeliveryReport:
    """The dealer's word on `shipment`: `outcome` "received" or "problems" (then `problems`: Problem or dicts of
    line (a shipment line id), kind, quantity; `note`: what happened, required; `photos`: uploaded images). Moves the
    shipment to delivered when it is not yet (the actor moves it: the history and audit say who). Refuses another
    dealer's shipment and roles that may not order (403), a second report and a shipment not on its way (409), bad
    problem lines and photos (400)."""
    from . import shipments as shipment_services

    require_may_report_delivery(actor, shipment)
    if outcome not in DeliveryOutcome.values:
        raise BadDeliveryReport(_("Say whether the goods arrived in order or with problems."), field="outcome")
    note = (note or "").strip()
    if len(note) > 2000:
        raise BadDeliveryReport(_("Say what happened in at most 2000 characters."), field="note")
    if outcome == DeliveryOutcome.RECEIVED and (problems or photos):
        raise BadDeliveryReport(_("Problems and photos go with “received with problems”."), field="outcome")
    checked = _check_problems(shipment, problems)
    if outcome == DeliveryOutcome.PROBLEMS:
        if not checked:
            raise BadDeliveryReport(_("Choose at least one line that arrived damaged, missing or wrong."),
                                    field="problems")
        if not note:
            raise BadDeliveryReport(_("Say what happened."), field="note")
    photos = check_photos(photos)
    user, on_behalf = acting_user(actor)
    with transaction.atomic():
        locks.order(shipment.order_id)
        shipment = locks.shipment(shipment)
        if DeliveryReport.objects.filter(shipment=shipment).exists():
            raise DeliveryAlreadyReported(_("The delivery of shipment %(number)s was reported already.")
                                          % {"number": shipment.number})
        if shipment.kind != ShipmentKind.OUTBOUND or shipment.status not in REPORTABLE:
            raise DeliveryNotReportable(_("Shipment %(number)s is “%(status)s”: only a shipment on its way or "
                                          "delivered can be confirmed.") % {
                "number": shipment.number, "status": shipment.get_status_display()})
        moved_by_report = shipment.status != SS.DELIVERED
        steps = forward_steps(shipment.status, SS.DELIVERED) or []
        # The dealer said it has the goods: it is not mailed "out for delivery" or "delivered" about them now (the
        # notices' table records what the dealer knows, services/notices.py).
        for step in steps:
            if step in NOTIFIED:
                ShipmentNotice.objects.get_or_create(shipment=shipment, status=step)
        for step in steps:
            shipment = shipment_services.move_shipment(
                actor=actor, shipment=shipment, to=step, permission=require_may_report_delivery,
                note=_("Confirmed received by the dealer.") if step == SS.DELIVERED else "")
        report = DeliveryReport.objects.create(shipment=shipment, outcome=outcome, note=note, reported_by=user,
                                               on_behalf=on_behalf)
        DeliveryProblem.objects.bulk_create([DeliveryProblem(report=report, shipment_line=line, kind=kind,
                                                             quantity=quantity) for line, kind, quantity in checked])
        for photo in photos:
            DeliveryPhoto.objects.create(report=report, file=photo)
        shipping_hooks.delivery_reported.run(report=report, actor=actor)
        audit.record(actor=user, action=f"shipping.delivery.{outcome}", target=shipment, dealer=shipment.dealer,
                     data={"number": shipment.number, "order": shipment.order.number, "moved": moved_by_report,
                           "problems": [{"sku": line.order_line.sku, "kind": kind, "quantity": str(quantity)}
                                        for line, kind, quantity in checked],
                           "photos": len(photos), **({"on_behalf_of": shipment.dealer_id} if on_behalf else {})})
        if outcome == DeliveryOutcome.PROBLEMS:
            with translation.override(settings.LANGUAGE_CODE):  # staff mails are in the site's language
                rows = [{"sku": line.order_line.sku, "name": line.order_line.name, "kind": str(ProblemKind(kind).label),
                         "quantity": str(quantity), "unit": line.order_line.unit} for line, kind, quantity in checked]
            outbox.notify_staff(template="shipping/staff_delivery_problems", context={
                "number": shipment.number, "order": shipment.order.number, "dealer_name": str(shipment.dealer),
                "note": note, "problems": rows, "photos": len(photos),
                "url": settings.SITE_URL + reverse("admin:shipping_shipment_change", args=[shipment.pk])})
    return report
