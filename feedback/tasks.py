"""Celery tasks of feedback."""
