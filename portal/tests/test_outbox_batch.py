"""Rows written together (outbox.notify_many: an order's mails) go to the broker as one message, and each row is
still delivered at most once, retried on its own, and kept for beat when the broker is down (issue 18)."""
import time

import pytest
from django.core import mail
from django.db import transaction

from portal import outbox
from portal.models import Notification
from portal.testing import read_mail_dir, wait_until
from portal.tests.factories import NotificationFactory


def _messages(count):
    return [{"to": f"batch-{n}@example.com", "template": "test_message"} for n in range(count)]


@pytest.fixture
def enqueued(monkeypatch):
    sent = []
    monkeypatch.setattr(outbox, "enqueue", lambda task, *args: sent.append((task.name, task.options, args)))
    return sent


@pytest.mark.django_db
def test_rows_written_together_are_one_message_sent_after_the_commit(enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = outbox.notify_many(_messages(3))
        assert enqueued == []  # nothing before the commit
    assert len(callbacks) == 1
    assert enqueued == [("portal.outbox.deliver_notifications_task", {}, ([row.pk for row in rows],))]


@pytest.mark.django_db
def test_a_single_row_goes_as_before(enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = outbox.notify_many(_messages(1))
    assert enqueued == [("portal.tasks.deliver_notification_task", {}, (row.pk,))]


@pytest.mark.django_db
def test_a_batch_sends_each_row_once_and_leaves_rows_sent_or_taken_elsewhere(enqueued):
    rows = [NotificationFactory() for _ in range(3)]
    already = NotificationFactory(status=Notification.Status.SENT)
    taken = NotificationFactory(status=Notification.Status.SENDING)
    ids = [row.pk for row in rows] + [already.pk, taken.pk]

    assert outbox.deliver_notifications(notification_ids=ids) == 3
    assert outbox.deliver_notifications(notification_ids=ids) == 0  # the same message delivered twice: no copies
    assert sorted(m.to[0] for m in mail.outbox) == sorted(row.recipient for row in rows)
    assert set(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", flat=True)) == {"sent"}
    assert Notification.objects.get(pk=taken.pk).status == Notification.Status.SENDING
    assert enqueued == []  # nothing to try again


@pytest.mark.django_db
def test_a_row_that_fails_is_tried_again_on_its_own_after_its_backoff_and_the_others_go_out(enqueued):
    good = NotificationFactory()
    broken = NotificationFactory(template="no_such_template")  # rendering fails: recorded on the row
    later = NotificationFactory()

    assert outbox.deliver_notifications(notification_ids=[good.pk, broken.pk, later.pk]) == 2
    broken.refresh_from_db()
    assert broken.status == Notification.Status.PENDING and broken.attempts == 1 and broken.next_attempt_at
    assert [m.to[0] for m in mail.outbox] == [good.recipient, later.recipient]
    [(name, options, args)] = enqueued
    assert (name, args) == ("portal.tasks.deliver_notification_task", (broken.pk,))
    assert 25 <= options["countdown"] <= 31  # the row's first backoff, 30 s


@pytest.mark.django_db
def test_rows_left_when_a_batch_has_run_long_are_queued_one_by_one(enqueued, monkeypatch):
    monkeypatch.setattr(outbox, "BATCH_SECONDS", 0.05)
    send = outbox.deliver_notification

    def slow(*, notification_id):
        time.sleep(0.06)  # a slow mail server
        return send(notification_id=notification_id)

    monkeypatch.setattr(outbox, "deliver_notification", slow)
    rows = [NotificationFactory() for _ in range(3)]

    assert outbox.deliver_notifications(notification_ids=[row.pk for row in rows]) == 1
    assert [m.to[0] for m in mail.outbox] == [rows[0].recipient]
    assert enqueued == [("portal.tasks.deliver_notification_task", {}, (row.pk,)) for row in rows[1:]]


@pytest.mark.django_db
def test_rows_written_while_the_broker_is_down_stay_pending_for_beat(monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(outbox.DELIVER_MANY_TASK, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        rows = outbox.notify_many(_messages(2))  # no error for the writer
    assert set(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", flat=True)) == {
        "pending"}
    requeued = []
    monkeypatch.setattr(outbox, "enqueue", lambda task, pk: requeued.append(pk))
    assert outbox.requeue_pending(older_than_seconds=0) == 2
    assert sorted(requeued) == sorted(row.pk for row in rows)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_rows_written_together(celery_worker, mail_dir):
    with transaction.atomic():
        rows = outbox.notify_many(_messages(3))
    ids = [row.pk for row in rows]
    try:
        wait_until(lambda: Notification.objects.filter(pk__in=ids, status=Notification.Status.SENT).count() == 3, 30,
                   "delivery of the batch")
    except TimeoutError:
        print("WORKER", celery_worker.output()[-4000:])
        raise
    delivered = sorted(m["To"] for m in read_mail_dir(mail_dir) if m["To"].startswith("batch-"))
    assert delivered == [f"batch-{n}@example.com" for n in range(3)]
