"""Every write and every rule of support; the facade other apps import (issue 15)."""
from . import desk
from .clocks import mark_first_response, pause, recompute_due, resume
from .desk import add_note, assign, merge, notify_dealer_of_reply, render_canned, set_priority, staff_reply
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
    "mark_first_response", "pause", "recompute_due", "resume",
    # the desk (a status move from the desk: desk.move)
    "desk", "add_note", "assign", "merge", "notify_dealer_of_reply", "render_canned", "set_priority", "staff_reply",
    "VoteResult", "publish_articles", "search_articles", "suggest_for_subject", "vote",
    "Metrics", "metrics_rows", "support_metrics",
    "ask_for_satisfaction", "rate_ticket", "rate_token", "rateable_refusal", "ticket_of_rate_token",
    # the dealer's side of a ticket (tickets.py)
    "check_attachments", "close_ticket", "mail_ticket", "open_ticket", "open_ticket_for_delivery_report",
    "open_ticket_for_tracking_event", "reply", "reply_address", "resolve_links", "save_attachments",
    "ticket_from_reply_address",
]
