"""End to end with real Celery processes: a worker delivers outbox mail and renders PDFs; a broker
outage delays mail but loses none, because beat re-enqueues what is still pending."""
import pytest
from django.db import transaction

from dealers.testing import UserFactory
from portal import documents, outbox
from portal.models import Document, Notification
from portal.testing import mail_subject, read_mail_dir, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _mails_to(mail_dir, address):
    return [m for m in read_mail_dir(mail_dir) if m["To"] == address]


def test_real_worker_delivers_an_outbox_mail(celery_worker, mail_dir):
    user = UserFactory(email="worker-test@example.com", language="bg")
    with transaction.atomic():
        row = outbox.notify(to=user, template="test_message")
    wait_until(lambda: Notification.objects.get(pk=row.pk).status == Notification.Status.SENT, 30, "delivery")
    mails = _mails_to(mail_dir, user.email)
    assert len(mails) == 1
    assert "Тестово съобщение" in mail_subject(mails[0])
    row.refresh_from_db()
    assert row.attempts == 1 and row.subject.startswith("Тестово съобщение")


def test_mail_written_during_broker_outage_is_delivered_after_it_returns(
    celery_worker, redis_broker, start_celery, mail_dir
):
    redis_broker.stop()
    try:
        with transaction.atomic():
            row = outbox.notify(to="outage@example.com", template="test_message")
        # The enqueue after commit failed quietly; the row waits, nothing is lost.
        assert Notification.objects.get(pk=row.pk).status == Notification.Status.PENDING
    finally:
        redis_broker.start()
    # A real beat with a short schedule re-enqueues it; the worker (reconnected) delivers it.
    beat = start_celery("beat", {"OUTBOX_REQUEUE_EVERY_SECONDS": "1", "OUTBOX_REQUEUE_AFTER_SECONDS": "0"},
                 ["--schedule", str(mail_dir.parent / "beat-schedule")])
    try:
        wait_until(lambda: Notification.objects.get(pk=row.pk).status == Notification.Status.SENT, 60, "delivery after outage")
    except TimeoutError:
        print("BEAT", beat.output()[-3000:])
        print("WORKER", celery_worker.output()[-5000:])
        raise
    assert len(_mails_to(mail_dir, "outage@example.com")) == 1


def test_real_worker_renders_and_stores_a_pdf(celery_worker):
    staff = UserFactory(is_staff=True)
    with transaction.atomic():
        doc = documents.request_document(owner=staff, kind="portal.specimen", language="tr")
    wait_until(lambda: Document.objects.get(pk=doc.pk).status == Document.Status.READY, 60, "PDF rendering")
    doc.refresh_from_db()
    with doc.file.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"
