"""Celery tasks of support."""
from celery import shared_task


@shared_task
def check_sla_task():
    """Run by beat every few minutes: warn at 80 % of an SLA target, escalate a breach, once each
    (services/clocks.py check_sla). Safe to run twice at once: the stamps are set under the ticket's row lock."""
    from .services.clocks import check_sla

    return check_sla()
