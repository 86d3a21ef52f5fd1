"""Enqueue Celery work only after the transaction commits, and never fail the caller on a broker outage."""
import logging

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Send a task now. A broker outage is logged, not raised: the row that asked for the work stays
    pending and a beat job re-enqueues it, so the work is delayed, never lost."""
    try:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    except Exception as exc:  # noqa: BLE001 - kombu raises several unrelated types for an unreachable broker
        log.warning("Could not enqueue %s%r: %s (beat will retry)", task.name, args, exc)
        return False


def enqueue_on_commit(task, *args, **kwargs) -> None:
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
