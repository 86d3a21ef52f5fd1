"""Celery tasks of shipping. Each takes ids, calls a service and is safe to run twice."""
from celery import shared_task


@shared_task(bind=True, max_retries=3, default_retry_delay=10)
def apply_tracking_events_task(self, event_ids):
    """Apply tracking events stored by a carrier's webhook or the ERP's API (services/tracking.py). A lock race lost
    twice is tried again shortly; an event left `received` is taken up by the beat job below anyway."""
    from portal.errors import Busy

    from .services.tracking import apply_events

    try:
        return apply_events(event_ids=event_ids)
    except Busy as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def apply_pending_tracking_events_task(older_than_seconds=30):
    """Run by beat: events still `received` a while after they arrived (their task was never published: a broker
    outage) are applied."""
    from .services.tracking import apply_pending_events

    return apply_pending_events(older_than_seconds=older_than_seconds)
