"""Celery tasks of pricing."""
