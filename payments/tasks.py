"""Celery tasks of payments."""
