"""Celery tasks of dealers."""
