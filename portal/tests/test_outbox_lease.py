"""A pool process killed while it sends a mail: the row it claimed is taken again once its lease runs out, and
every mail is delivered exactly once (a real worker, real kill -9)."""
import os
import signal
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from dealers.testing import UserFactory
from portal import outbox
from portal.models import Notification
from portal.testing import read_mail_dir, wait_until
from portal.tests.factories import NotificationFactory


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_mail_whose_pool_process_was_killed_mid_send_is_delivered_once(start_celery, private_broker, tmp_path,
                                                                         settings, monkeypatch):
    mails, markers = tmp_path / "mail", tmp_path / "markers"
    mails.mkdir()
    markers.mkdir()
    worker = start_celery("worker", {"EMAIL_BACKEND": "portal.tests.slow_mail.SlowFileBackend", "EMAIL_FILE_PATH": str(mails),
                            "SLOW_MAIL_MARKERS": str(markers), "SLOW_MAIL_SECONDS": "1.5",
                            "OUTBOX_LEASE_SECONDS": "3", "CELERY_BROKER_URL": private_broker.url})
    settings.OUTBOX_LEASE_SECONDS = 3
    monkeypatch.setattr(outbox, "enqueue", private_broker.enqueue)
    addresses = [f"lease-{n}@example.com" for n in range(6)]
    with transaction.atomic():
        rows = [outbox.notify(to=address, template="test_message") for address in addresses]

    killed = []
    for _ in range(2):  # kill -9 the pool process that is sending, twice
        try:
            wait_until(lambda: any(markers.iterdir()), 30, "a mail being sent")
        except TimeoutError:
            print(worker.output()[-4000:], list(Notification.objects.values_list("status", "attempts", "last_error")))
            raise
        marker = next(markers.iterdir())
        pid = int(marker.name.split("-")[1])
        os.kill(pid, signal.SIGKILL)
        killed.append(marker.read_text() if marker.exists() else "")
        marker.unlink(missing_ok=True)

    last = [0.0]

    def all_sent():
        if time.monotonic() - last[0] > 1:  # what beat does every few seconds
            last[0] = time.monotonic()
            outbox.requeue_pending(older_than_seconds=0)
        return Notification.objects.filter(pk__in=[r.pk for r in rows], status=Notification.Status.SENT).count() == 6

    wait_until(all_sent, 60, "every mail sent")
    delivered = [message["To"] for message in read_mail_dir(mails)]
    assert sorted(delivered) == sorted(addresses)  # each once: none lost, none twice
    assert all(Notification.objects.get(recipient=address).attempts >= 2 for address in filter(None, killed))


@pytest.mark.django_db
def test_a_row_whose_lease_ran_out_is_sent_again_and_a_live_one_is_left_alone(monkeypatch, settings):
    settings.OUTBOX_LEASE_SECONDS = 120
    enqueued = []
    monkeypatch.setattr(outbox, "enqueue", lambda task, pk: enqueued.append(pk))
    dead = NotificationFactory(status=Notification.Status.SENDING, attempts=1,
                               claimed_at=timezone.now() - timedelta(seconds=150))
    live = NotificationFactory(status=Notification.Status.SENDING, attempts=1,
                               claimed_at=timezone.now() - timedelta(seconds=30))
    spent = NotificationFactory(status=Notification.Status.SENDING, attempts=settings.OUTBOX_MAX_ATTEMPTS,
                                claimed_at=timezone.now() - timedelta(seconds=150))
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    outbox.requeue_pending()
    assert enqueued == [dead.pk]
    assert outbox.deliver_notification(notification_id=dead.pk) is True
    assert outbox.deliver_notification(notification_id=live.pk) is False  # still its worker's
    statuses = dict(Notification.objects.values_list("pk", "status"))
    assert statuses == {dead.pk: "sent", live.pk: "sending", spent.pk: "failed"}
    assert [m.to for m in mail.outbox] == [[dead.recipient]]


@pytest.mark.django_db
def test_every_attempt_at_a_row_carries_the_same_message_id_and_a_staff_resend_a_new_one(settings):
    row = NotificationFactory()
    first = outbox.message_id(row)
    assert first == outbox.message_id(Notification.objects.get(pk=row.pk))
    assert outbox.deliver_notification(notification_id=row.pk) is True
    assert mail.outbox[0].extra_headers["Message-ID"] == first
    outbox.resend(notification=row, actor=UserFactory(is_staff=True))
    assert outbox.message_id(Notification.objects.get(pk=row.pk)) != first
