"""Celery tasks of pricing: the quotes' daily beat jobs. Each calls a service and is safe to run twice."""
from celery import shared_task

from .services import quote_jobs


@shared_task
def expire_quotes_task():
    return quote_jobs.expire_quotes()


@shared_task
def remind_expiring_quotes_task():
    return quote_jobs.remind_expiring_quotes()
