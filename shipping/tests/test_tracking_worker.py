"""Tracking with a real Celery worker (issue 14, section 4): a carrier's signed call is acknowledged, the worker applies
it (the shipment moves, the order follows) and the dealer's mails go out; with the broker down the call is still taken
and beat's job applies it once the broker is back."""
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from orders.models import Order, OrderStatus
from portal.testing import mail_subject, read_mail_dir, wait_until
from shipping.models import EventState, Shipment, ShipmentStatus, TrackingEvent
from shipping.testing import carrier_with_secret, confirmed_order, post_webhook, ship, tracking_event

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SS = ShipmentStatus


def _subjects(mail_dir, user, shipment) -> set:
    """The subjects of the mails about `shipment` the worker sent `user` (the mail folder is the session's)."""
    return {mail_subject(m) for m in read_mail_dir(mail_dir)
            if m["To"] == user.email and mail_subject(m).startswith(f"Shipment {shipment.number} ")}


def _status(shipment):
    return Shipment.objects.get(pk=shipment.pk).status


def test_the_worker_applies_a_signed_call_and_the_dealer_is_mailed(celery_worker, mail_dir, actor, addresses, panel,
                                                                    staff, owner):
    carrier = carrier_with_secret(code="yurtici-w", name="Yurtiçi Kargo")
    order = confirmed_order(actor, panel, 2, staff=staff)
    shipment = ship(order, staff=staff, carrier=carrier, parcels=[("YKW-1", "4")])
    before = timezone.now() - datetime.timedelta(minutes=30)
    response = post_webhook(Client(), carrier, {"events": [
        tracking_event("YKW-1", "in_transit", before, event_id="w1", location="Gebze"),
        tracking_event("YKW-1", "delivered", before + datetime.timedelta(minutes=20), event_id="w2",
                       signed_by="Elif S.")]})
    assert response.status_code == 202 and response.json() == {"received": 2, "duplicates": 0}
    try:
        wait_until(lambda: _status(shipment) == SS.DELIVERED, 90, "the worker to apply the events")
        wait_until(lambda: len(_subjects(mail_dir, owner, shipment)) >= 2, 90, "the dealer's mails")
    except TimeoutError:
        print(celery_worker.output()[-6000:])
        raise
    assert set(TrackingEvent.objects.values_list("state", flat=True)) == {EventState.APPLIED}
    assert Shipment.objects.get(pk=shipment.pk).received_by == "Elif S."
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    subjects = {mail_subject(m) for m in read_mail_dir(mail_dir) if m["To"] == owner.email}
    assert f"Shipment {shipment.number} of order {order.number} is on its way" in subjects
    assert f"Shipment {shipment.number} of order {order.number} was delivered" in subjects


def test_with_the_broker_down_the_call_is_taken_and_beat_applies_it_later(celery_worker, redis_broker, start_celery,
                                                                          actor, addresses, panel, staff):
    from shipping.tasks import apply_pending_tracking_events_task

    carrier = carrier_with_secret(code="aras-w", name="Aras Kargo")
    order = confirmed_order(actor, panel, 1, staff=staff)
    shipment = ship(order, staff=staff, carrier=carrier, parcels=[("ARW-1", "1")])
    redis_broker.stop()
    try:
        response = post_webhook(Client(), carrier, tracking_event("ARW-1", "out_for_delivery", event_id="o1"))
    finally:
        redis_broker.start()
    assert response.status_code == 202
    assert TrackingEvent.objects.get().state == EventState.RECEIVED and _status(shipment) == SS.PREPARING
    apply_pending_tracking_events_task.delay(older_than_seconds=0)  # what beat runs every 30 s
    spare = []

    def applied():
        # Celery's consumer can exit on the outage itself (a kombu error while closing its channel): the event must
        # still be applied by the next worker and the next run of beat's job, which is what this test is about.
        if celery_worker.proc.poll() is not None and not spare:
            spare.append(start_celery("worker"))
            apply_pending_tracking_events_task.delay(older_than_seconds=0)
        return _status(shipment) == SS.OUT_FOR_DELIVERY

    try:
        wait_until(applied, 90, "beat's job to apply the event")
    except TimeoutError:
        print(celery_worker.output()[-6000:])
        raise
    assert TrackingEvent.objects.get().state == EventState.APPLIED
