"""Celery tasks of feedback."""
from celery import shared_task


@shared_task
def invite_nps_task():
    """Beat, every hour: send the NPS invitations that are due (feedback/services/nps.py invite_due). Safe to run
    twice at once: each dealer is decided under its row lock and skipped once invited within its window."""
    from .services.nps import invite_due

    return invite_due()
