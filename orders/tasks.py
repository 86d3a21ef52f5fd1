"""Celery tasks of orders."""
