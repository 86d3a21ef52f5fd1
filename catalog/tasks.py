"""Celery tasks of catalog."""
