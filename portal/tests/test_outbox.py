"""The outbox: rows written with the change, delivered after commit, at most once, retried with backoff."""
import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from dealers.testing import UserFactory
from portal import outbox
from portal.models import Notification
from portal.tasks import deliver_notification_task
from portal.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_notify_enqueues_delivery_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        row = outbox.notify(to="buyer@example.com", template="test_message", language="tr")
    assert len(callbacks) == 1
    assert row.status == Notification.Status.PENDING
    assert len(mail.outbox) == 0  # nothing is sent inside the transaction


def test_rolled_back_change_leaves_no_mail():
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            outbox.notify(to="buyer@example.com", template="test_message")
            raise RuntimeError("the business change failed")
    assert not Notification.objects.exists()


def test_delivery_renders_in_recipients_language_and_marks_sent():
    user = UserFactory(language="tr")
    row = outbox.notify(to=user, template="test_message")
    assert outbox.deliver_notification(notification_id=row.pk) is True
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 1 and row.sent_at
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "Test mesajı" in message.subject
    assert "e-posta" in message.body
    assert "text/html" in message.alternatives[0][1]


def test_a_reply_to_address_and_the_stored_message_id_reach_the_mail():
    row = outbox.notify(to="buyer@example.com", template="test_message", reply_to="support+abc@portal.example")
    assert outbox.deliver_notification(notification_id=row.pk) is True
    message = mail.outbox[0]
    assert message.reply_to == ["support+abc@portal.example"]
    assert message.extra_headers["Message-ID"] == outbox.message_id(row)
    plain = outbox.notify(to="buyer@example.com", template="test_message")
    outbox.deliver_notification(notification_id=plain.pk)
    assert mail.outbox[1].reply_to == []


def test_delivering_twice_sends_one_mail():
    row = NotificationFactory()
    assert outbox.deliver_notification(notification_id=row.pk) is True
    assert outbox.deliver_notification(notification_id=row.pk) is False
    assert len(mail.outbox) == 1


def test_failed_send_is_recorded_and_retried_later(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    row = NotificationFactory()
    assert outbox.deliver_notification(notification_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert row.attempts == 1 and "Connection refused" in row.last_error
    assert row.next_attempt_at is not None
    # Backing off: an immediate second try does nothing.
    assert outbox.deliver_notification(notification_id=row.pk) is False
    row.refresh_from_db()
    assert row.attempts == 1


def test_row_fails_for_good_after_max_attempts(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = NotificationFactory(attempts=1)
    outbox.deliver_notification(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and row.attempts == 2


def test_resend_puts_a_failed_row_back_and_audits_it(django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True)
    row = NotificationFactory(status=Notification.Status.FAILED, attempts=5, last_error="boom")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox.resend(notification=row, actor=staff)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Notification.Status.PENDING, 0, "")
    assert len(callbacks) == 1
    assert staff.audit_entries.filter(action="notification.resend").exists()
    assert outbox.deliver_notification(notification_id=row.pk) is True


def test_requeue_picks_only_old_pending_rows(django_capture_on_commit_callbacks, monkeypatch):
    sent_ids = []
    monkeypatch.setattr(outbox, "enqueue", lambda task, pk: sent_ids.append(pk))
    old = NotificationFactory()
    Notification.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2020))
    NotificationFactory()  # fresh: its own on_commit enqueue is still in flight
    NotificationFactory(status=Notification.Status.SENT)
    assert outbox.requeue_pending() == 1
    assert sent_ids == [old.pk]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_senders_deliver_one_row_once():
    row = NotificationFactory()
    barrier = threading.Barrier(2)
    results = []

    def send():
        try:
            barrier.wait()
            results.append(outbox.deliver_notification(notification_id=row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 1


def test_task_is_registered_under_a_stable_name():
    assert deliver_notification_task.name == "portal.tasks.deliver_notification_task"
