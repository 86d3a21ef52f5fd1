"""Celery tasks of support."""
