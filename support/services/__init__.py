"""Every write and every rule of support; the facade other apps import (issue 15)."""
from .metrics import Metrics, metrics_rows, support_metrics
from .satisfaction import ask_for_satisfaction, rate_ticket, rate_token, rateable_refusal, ticket_of_rate_token

__all__: list = [
    "Metrics", "metrics_rows", "support_metrics",
    "ask_for_satisfaction", "rate_ticket", "rate_token", "rateable_refusal", "ticket_of_rate_token",
]
