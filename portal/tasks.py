"""Celery tasks of the kernel: outbox delivery, PDF rendering and their beat jobs. Each takes ids and is safe to run twice."""
from celery import shared_task
from django.utils import timezone

from . import documents, outbox
from .models import Notification


# Bounded well below OUTBOX_LEASE_SECONDS: a send still running when its lease ends would be sent again.
@shared_task(bind=True, max_retries=5, soft_time_limit=60, time_limit=90)
def deliver_notification_task(self, notification_id):
    sent = outbox.deliver_notification(notification_id=notification_id)
    if not sent:
        row = Notification.objects.filter(pk=notification_id).only("status", "next_attempt_at").first()
        if row and row.status == Notification.Status.PENDING and row.next_attempt_at:
            # Bounded retry with the row's own backoff; beat catches anything that falls through.
            countdown = max(1, int((row.next_attempt_at - timezone.now()).total_seconds()) + 1)
            raise self.retry(countdown=countdown)
    return sent


@shared_task
def requeue_pending_notifications_task(older_than_seconds=None):
    return outbox.requeue_pending(older_than_seconds=older_than_seconds)


@shared_task
def purge_sent_notifications_task():
    return outbox.purge_sent()


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
def render_document_task(self, document_id):
    return documents.render_document(document_id=document_id)


@shared_task
def requeue_pending_documents_task(older_than_seconds=300):
    return documents.requeue_pending_documents(older_than_seconds=older_than_seconds)


@shared_task
def heartbeat_task():
    """Run by beat: a worker that executes it is alive and reachable through the broker (/healthz/ reads it)."""
    from .health import record_worker_heartbeat

    record_worker_heartbeat()


@shared_task
def delete_expired_idempotency_keys_task():
    """Run daily by beat: Idempotency-Keys older than IDEMPOTENCY_KEY_TTL_HOURS are forgotten."""
    from .idempotency import delete_expired

    return delete_expired()
