"""Every write and every rule of support; the facade other apps import (issue 15)."""
from .clocks import mark_first_response, pause, recompute_due, resume
from .faq import VoteResult, publish_articles, search_articles, suggest_for_subject, vote
from .metrics import Metrics, metrics_rows, support_metrics
from .satisfaction import ask_for_satisfaction, rate_ticket, rate_token, rateable_refusal, ticket_of_rate_token
from .tickets import (
    check_attachments,
    close_ticket,
    mail_ticket,
    open_ticket,
    open_ticket_for_delivery_report,
    open_ticket_for_tracking_event,
    reply,
    reply_address,
    resolve_links,
    save_attachments,
    ticket_from_reply_address,
)

__all__: list = [
    "VoteResult", "publish_articles", "search_articles", "suggest_for_subject", "vote",
    "mark_first_response", "pause", "recompute_due", "resume",
    "Metrics", "metrics_rows", "support_metrics",
    "ask_for_satisfaction", "rate_ticket", "rate_token", "rateable_refusal", "ticket_of_rate_token",
    # the dealer's side of a ticket (tickets.py)
    "check_attachments", "close_ticket", "mail_ticket", "open_ticket", "open_ticket_for_delivery_report",
    "open_ticket_for_tracking_event", "reply", "reply_address", "resolve_links", "save_attachments",
    "ticket_from_reply_address",
]
