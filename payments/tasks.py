"""Celery tasks of payments."""
from celery import shared_task  # noqa: E402


@shared_task
def run_overdue_task():
    """Daily (beat): overdue marks, reminders, automatic holds. Safe to run twice."""
    from .services.overdue import run_overdue

    return run_overdue()
