"""Telling the dealer where its goods are (issue 14, section 4): once per shipment and status that matters (shipped,
out for delivery, delivered, delivery failed), whatever moved the shipment: staff in the admin, the ERP's API or a
carrier's webhook. Registered on SHIPMENT's `moved` point (shipping/apps.py), so it runs inside the move's
transaction: the ShipmentNotice row (unique per shipment and status) and the outbox mails exist exactly when the
move does, and a second move to the same status (a redelivery after a failed one, a retried event) finds the notice
and mails nobody. Several moves made at once by one event are told by one mail, for the last of them (`walking`).

Who hears: the user who placed the order (when still active) and the dealer's users who approve orders (owners and
approvers: those orders' status mails go to), each in their language. The mail lists that shipment's parcels and
their tracking links only, never another shipment's of the same order."""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.formats import number_format

from dealers.permissions import APPROVE_ORDERS
from dealers.selectors import list_users_who_may
from portal import outbox

from ..models import ShipmentKind, ShipmentNotice, ShipmentStatus, TrackingEvent, TrackingStatus

SS = ShipmentStatus
# The statuses a dealer is told about; each has its mail templates/emails/shipping/shipment_<status>.*
NOTIFIED = (SS.SHIPPED, SS.OUT_FOR_DELIVERY, SS.DELIVERED, SS.DELIVERY_FAILED)


def notice_recipients(shipment) -> list:
    """The order's placer (an active user of the dealer) and the dealer's users who approve orders."""
    order = shipment.order
    recipients = {}
    placer = order.placed_by
    if placer is not None and placer.dealer_id == shipment.dealer_id and placer.is_active:
        recipients[placer.pk] = placer
    for user in list_users_who_may(dealer=shipment.dealer, ability=APPROVE_ORDERS):
        recipients.setdefault(user.pk, user)
    return list(recipients.values())


def _absolute(name, number) -> str:
    """The absolute link to a shipping page of the shipment, "" while that page does not exist."""
    try:
        return settings.SITE_URL + reverse(name, kwargs={"number": number})
    except NoReverseMatch:
        return ""


def _signer(shipment) -> str:
    """Who signed for a shipment a carrier's event delivers (the move is made before the shipment records it)."""
    event = (TrackingEvent.objects.filter(shipment=shipment, status=TrackingStatus.DELIVERED)
             .exclude(signed_by="").order_by("-occurred_at", "-pk").first())
    return event.signed_by if event else ""


def notice_context(shipment) -> dict:
    """What every shipment mail says: numbers, carrier or own truck, the parcels with their tracking links, links."""
    order = shipment.order
    carrier = shipment.carrier
    return {
        "number": shipment.number,
        "order_number": order.number,
        "dealer_name": str(shipment.dealer),
        "carrier": carrier.name if carrier else "",
        "vehicle_plate": shipment.vehicle_plate,
        "parcels": [{"tracking_code": parcel.tracking_code, "tracking_url": parcel.tracking_url(),
                     "weight_kg": f"{parcel.weight_kg.normalize():f}"}
                    for parcel in shipment.parcels.select_related("shipment__carrier").order_by("pk")],
        "received_by": shipment.received_by or _signer(shipment) if shipment.status == SS.DELIVERED else "",
        "delivered_at": shipment.delivered_at.isoformat() if shipment.delivered_at else "",
        "shipment_url": _absolute("shipping:shipment", shipment.number),
        "waybill_url": _absolute("shipping:waybill", shipment.number) if shipment.waybill_number else "",
        "order_url": settings.SITE_URL + order.get_absolute_url(),
    }


# Statuses a walk of several moves passes on its way to a later one it mails (see `walking`).
_passing = contextvars.ContextVar("shipping_notices_passing", default=frozenset())


@contextmanager
def walking(moves):
    """Around several moves made at once (a carrier's "delivered" for a shipment still being prepared walks it shipped
    → in transit → out for delivery → delivered): the dealer gets one mail, for the last status of NOTIFIED the walk
    reaches; the ones it passes are recorded as told (never mailed later) without a mail of their own."""
    told = [status for status in moves if status in NOTIFIED]
    token = _passing.set(frozenset(told[:-1]))
    try:
        yield
    finally:
        _passing.reset(token)


def notify_dealer_of_move(*, shipment, previous, actor) -> None:
    """SHIPMENT.moved: the first time `shipment` reaches a status of NOTIFIED, record the notice and mail the dealer."""
    if shipment.status not in NOTIFIED or shipment.kind != ShipmentKind.OUTBOUND:
        return
    if ShipmentNotice.objects.filter(shipment=shipment, status=shipment.status).exists():
        return
    try:
        with transaction.atomic():  # a savepoint: a notice written meanwhile is no error for the move
            ShipmentNotice.objects.create(shipment=shipment, status=shipment.status)
    except IntegrityError:
        return
    if shipment.status in _passing.get():
        return
    context = notice_context(shipment)
    for user in notice_recipients(shipment):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            status_label = str(SS(shipment.status).label)
            parcels = [{**parcel, "weight": _weight(parcel["weight_kg"])} for parcel in context["parcels"]]
        outbox.notify(to=user, template=f"shipping/shipment_{shipment.status}",
                      context={**context, "parcels": parcels, "first_name": user.first_name,
                               "status_label": status_label})


def _weight(kg: str) -> str:
    """"2.5" as the reader writes it ("2,5" in Turkish), with no padding zeros."""
    value = Decimal(kg)
    return number_format(value, decimal_pos=max(0, -value.as_tuple().exponent), force_grouping=True)
