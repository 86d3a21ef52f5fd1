"""Returns (RMA): a dealer asks to send back part of a delivered line; staff approve or reject it.

What may still be returned of a line = delivered − already returned − asked in requests still open; the line
row is locked while a request is checked, so two parallel requests cannot return more than was delivered.
An approved return's goods come back (shipping's return shipment, or handed in); received (`receive_return`: staff,
or the portal when the return shipment is delivered back) they go back to stock and payments credits them (a later
stage listens on `orders.return.moved`)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Unit
from catalog.services import release_stock
from catalog.units import quantity_with_unit
from portal import audit, outbox, uploads
from portal.lifecycle import acting_user
from portal.numbering import next_number

from .. import permissions
from ..errors import InvalidReturn, NotAllowed, ReturnStatusNotAllowed, StatusNotAllowed
from ..models import RETURN, OrderLine, OrderStatus, ReturnPhoto, ReturnRequest, ReturnStatus, ReturnStatusChange
from .shared import mail_context

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png"}


def returnable_quantity(line: OrderLine) -> Decimal:
    if line.order.status != OrderStatus.DELIVERED:
        return Decimal(0)
    open_requests = line.returns.filter(status=ReturnStatus.REQUESTED).aggregate(n=Sum("quantity"))["n"] or 0
    return max(line.quantity - line.returned_quantity - open_requests, Decimal(0))


def _check_photos(photos) -> list:
    photos = [p for p in (photos or []) if p]
    if len(photos) > MAX_PHOTOS:
        raise InvalidReturn(_("At most %(n)s photos.") % {"n": MAX_PHOTOS}, field="photos")
    for photo in photos:
        if photo.size > MAX_PHOTO_BYTES:
            raise InvalidReturn(_("A photo may be at most 10 MB."), field="photos")
        # Stored and served under the extension of the detected type, never the one the file came with.
        if uploads.accept(photo, allowed=PHOTO_TYPES) is None:
            raise InvalidReturn(_("Photos must be JPEG or PNG images."), field="photos")
    return photos


def request_return(*, actor, line: OrderLine, quantity, reason, photos=None) -> ReturnRequest:
    permissions.require_return(actor, line.order)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidReturn(_("Say why you return it."), field="reason")
    try:
        quantity = Decimal(str(quantity).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidReturn(_("Enter a quantity."), field="quantity") from None
    if not quantity.is_finite() or quantity <= 0 or quantity.as_tuple().exponent < -3:
        raise InvalidReturn(_("Enter a quantity above zero (up to three decimals)."), field="quantity")
    photos = _check_photos(photos)
    with transaction.atomic():
        line = OrderLine.objects.select_for_update(of=("self", "order")).select_related("order", "product").get(pk=line.pk)
        if line.order.status != OrderStatus.DELIVERED:
            raise StatusNotAllowed(_("Only delivered orders can be returned."))
        if line.product.unit not in Unit.fractional() and quantity != quantity.to_integral_value():
            raise InvalidReturn(_("Sold by the %(unit)s in whole numbers only, not %(quantity)s.") % {
                "unit": line.product.get_unit_display(), "quantity": f"{quantity.normalize():f}"}, field="quantity")
        available = returnable_quantity(line)
        if quantity > available:
            raise InvalidReturn(_("At most %(n)s of %(sku)s can still be returned.") % {
                "n": quantity_with_unit(available, line.unit), "sku": line.sku}, field="quantity")
        rma = ReturnRequest.objects.create(number=next_number("RMA"), order=line.order, line=line, quantity=quantity,
                                           reason=reason, requested_by=actor.user, on_behalf=actor.on_behalf)
        for photo in photos:
            ReturnPhoto.objects.create(return_request=rma, image=photo)
        # The first row of the return's history: it is created "requested", not moved.
        ReturnStatusChange.objects.create(return_request=rma, from_status="", to_status=rma.status, by=actor.user,
                                          on_behalf=actor.on_behalf, note=reason)
        audit.record(actor=actor.user, action="return.requested", target=rma, dealer=line.order.dealer,
                     data=actor.audit_data(number=rma.number, order=line.order.number, sku=line.sku,
                                           quantity=str(quantity)))
        outbox.notify_staff(template="orders/staff_return_requested", context=mail_context(
            line.order, rma=rma.number, sku=line.sku, quantity=str(quantity), unit=line.unit, reason=reason))
    return rma


def _decide(*, actor, rma, approve: bool, note: str) -> ReturnRequest:
    if not permissions.may_decide_return(actor, rma):
        raise NotAllowed(_("Only staff decide on returns."))
    note = (note or "").strip()
    if not approve and not note:
        raise InvalidReturn(_("Say why the return is rejected."), field="note")
    to_status = ReturnStatus.APPROVED if approve else ReturnStatus.REJECTED
    with transaction.atomic():
        # The return, its order and its line; not the requester's user row (portal/locks.py: of= on every join).
        rma = (ReturnRequest.objects.select_for_update(of=("self", "order", "line"))
               .select_related("order", "line", "requested_by").get(pk=rma.pk))
        if not RETURN.allowed(rma.status, to_status):
            raise ReturnStatusNotAllowed(_("This return has already been decided."))
        if approve:
            line = OrderLine.objects.select_for_update().get(pk=rma.line_id)
            line.returned_quantity += rma.quantity
            line.save(update_fields=["returned_quantity"])
        rma.decided_by, rma.decided_at, rma.decision_note = acting_user(actor)[0], timezone.now(), note
        # The move runs the later stages' listeners: payments credits an approved return (orders.return.moved).
        RETURN.move(rma, to=to_status, actor=actor, note=note, fields=["decided_by", "decided_at", "decision_note"],
                    audit_action="return.approved" if approve else "return.rejected",
                    audit_data={"number": rma.number}, dealer=rma.order.dealer)
        outbox.notify(to=rma.requested_by, template="orders/return_decided", context=mail_context(
            rma.order, rma=rma.number, approved=approve, note=note, first_name=rma.requested_by.first_name))
    return rma


def approve_return(*, actor, rma, note="") -> ReturnRequest:
    return _decide(actor=actor, rma=rma, approve=True, note=note)


def reject_return(*, actor, rma, note) -> ReturnRequest:
    return _decide(actor=actor, rma=rma, approve=False, note=note)


def receive_return(*, actor, rma, note="") -> ReturnRequest:
    """The goods of an approved return are back: the return becomes "received" (payments credits it then, on
    `orders.return.moved`), its quantity goes back to stock and the requester is mailed. Staff call it (the return's
    admin page), and the portal itself (actor None) when shipping's return shipment is delivered back to us.
    Receiving a return that is not approved (requested, rejected, received already) is refused (409).

    Locks: the return with its order and line (an order already held by the caller is free), then what the credit
    note takes (payments, credit notes, invoices), then the stock rows and the number counter."""
    if not permissions.may_receive_return(actor, rma):
        raise NotAllowed(_("Only staff receive returned goods."))
    with transaction.atomic():
        rma = (ReturnRequest.objects.select_for_update(of=("self", "order", "line"))
               .select_related("order", "line", "requested_by").get(pk=rma.pk))
        if not RETURN.allowed(rma.status, ReturnStatus.RECEIVED):
            raise ReturnStatusNotAllowed(_("Return %(number)s is “%(status)s”: only an approved return's goods are "
                                           "received.") % {"number": rma.number, "status": rma.get_status_display()})
        RETURN.move(rma, to=ReturnStatus.RECEIVED, actor=actor, note=(note or "").strip(),
                    audit_action="return.received", dealer=rma.order.dealer,
                    audit_data={"number": rma.number, "sku": rma.line.sku, "quantity": str(rma.quantity)})
        release_stock(quantities={rma.line.product_id: rma.quantity})
        outbox.notify(to=rma.requested_by, template="orders/return_received", context=mail_context(
            rma.order, rma=rma.number, sku=rma.line.sku, quantity=str(rma.quantity), unit=rma.line.unit,
            first_name=rma.requested_by.first_name))
    return rma
