"""Celery tasks of shipping."""
