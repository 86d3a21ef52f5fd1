"""The support desk's writes (issue 15 §2): public replies by staff, internal notes (never mailed, never shown to the
dealer), assignment, priority, status moves, merging a duplicate, and canned replies rendered in the dealer's
language.

Every write locks the ticket row (`portal.locks.ticket`, after anything of the order or shipment in the one lock
order) and moves its status only through `TICKET.move`. Every service asks `permissions.may_work_ticket` again, so a
task or another caller reaching it directly is refused the same way as the page (`NotSupportAgent`, 403).

Merge: the duplicate's messages are **re-pointed** to the target (not copied): the conversation exists once, in
the target, in the order it was written; the duplicate is closed with `merged_into` set (its pages say where the
conversation went), and the dealer is mailed once about it.
"""
from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import audit, locks
from portal.lifecycle import acting_user

from .. import permissions
from ..errors import (
    AssigneeNotAgent,
    EmptyMessage,
    MergeNotAllowed,
    NotSupportAgent,
    ReplyMoveNotAllowed,
    TicketClosed,
)
from ..models import TICKET, Message, MessageKind, Priority, Team, Ticket, TicketSource, TicketStatus

__all__ = ["PLACEHOLDERS", "add_note", "assign", "canned_context", "dealer_language", "dealer_recipients", "merge",
           "move", "notify_dealer_of_reply", "render_canned", "set_priority", "staff_reply"]

S = TicketStatus
# What a reply may move its ticket to ("Send and wait on the dealer", "Send and resolve").
REPLY_MOVES = (S.WAITING_ON_DEALER, S.RESOLVED)
PLACEHOLDERS = ("dealer", "first_name", "ticket", "order", "shipment", "tracking_code", "invoice", "agent")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


# --- who ---------------------------------------------------------------------------------------------------------------

def _require_agent(actor, ticket=None) -> None:
    if not permissions.may_work_ticket(actor, ticket):
        raise NotSupportAgent(_("Only support agents work on the support desk."))


def dealer_recipients(ticket) -> list:
    """Who of the dealer hears about the ticket: its opener when a user of the dealer, else the dealer's active
    owners (a ticket opened by a tracking event or by staff)."""
    if ticket.dealer_id is None:  # a visitor's chat: the chat itself answers (support/channels/)
        return []
    opener = ticket.opened_by
    if opener is not None and opener.dealer_id == ticket.dealer_id and opener.is_active:
        return [opener]
    return list(ticket.dealer.users.filter(role="owner", is_active=True).order_by("pk"))


def dealer_language(ticket) -> str:
    """The language the dealer reads the ticket in: its opener's (the first owner's when staff or a task opened
    it), English when none is known."""
    chat = getattr(ticket, "chat", None) if ticket.source == "chat" else None
    if chat is not None and (ticket.dealer_id is None or not ticket.opened_by_id):
        return (chat.language or "en").lower()
    people = dealer_recipients(ticket)
    opener = ticket.opened_by if ticket.opened_by_id else (people[0] if people else None)
    return (getattr(opener, "language", "") or "en").lower()


# --- canned replies ------------------------------------------------------------------------------------------------

def canned_context(*, ticket, agent) -> dict:
    """The placeholders' values for `ticket` (an empty value stays a visible placeholder, for the agent to fill)."""
    opener = ticket.opened_by if ticket.opened_by_id and ticket.opened_by.dealer_id == ticket.dealer_id else None
    if opener is None:
        people = dealer_recipients(ticket)
        opener = people[0] if people else None
    shipment = ticket.shipment if ticket.shipment_id else None
    return {
        "dealer": ticket.requester_name,
        "first_name": getattr(opener, "first_name", "") or "",
        "ticket": ticket.number,
        "order": ticket.order.number if ticket.order_id else "",
        "shipment": shipment.number if shipment else "",
        "tracking_code": ticket.tracking_code or (
            shipment.parcels.exclude(tracking_code="").values_list("tracking_code", flat=True).first() or ""
            if shipment else ""),
        "invoice": ticket.invoice.number if ticket.invoice_id else "",
        "agent": (agent.get_full_name() or agent.email) if agent is not None else "",
    }


def render_canned(*, canned, ticket, agent) -> str:
    """The canned reply's text in the dealer's language (English when it has none), its placeholders filled in.
    A placeholder it does not know, or one this ticket has no value for ({order} of a ticket about no order), stays
    as written, so the agent sees it in the reply box; braces never raise."""
    values = canned_context(ticket=ticket, agent=agent)

    def fill(match):
        return values.get(match.group(1)) or match.group(0)

    return _PLACEHOLDER.sub(fill, canned.body(dealer_language(ticket)))


# --- mails -----------------------------------------------------------------------------------------------------------

def notify_dealer_of_reply(*, ticket, message) -> list:
    """Mail the dealer staff's public reply (through the outbox, inside the reply's transaction, with the ticket's
    signed reply address: `tickets.mail_ticket`, which stores the mail's Message-ID on the message). An internal
    note is never mailed: mail_ticket refuses one outright."""
    from . import tickets

    rows = []
    if ticket.dealer_id is None and ticket.visitor_email:  # a visitor's chat from the public pages
        return [tickets.mail_ticket(ticket=ticket, to=ticket.visitor_email, template="support/staff_reply",
                                    message=message, language=dealer_language(ticket), context={
            "first_name": ticket.visitor_name, "body": message.body, "status": str(TicketStatus(ticket.status).label),
            "article_title": message.article.title(dealer_language(ticket)) if message.article_id else "",
            "ticket_url": ""})]
    for person in dealer_recipients(ticket):
        rows.append(tickets.mail_ticket(ticket=ticket, to=person, template="support/staff_reply", message=message,
                                        context={
            "first_name": person.first_name, "body": message.body, "status": str(TicketStatus(ticket.status).label),
            "article_title": message.article.title(person.language) if message.article_id else "",
            "ticket_url": tickets.ticket_url(ticket)}))
    return rows


def _notify_merged(*, duplicate, target) -> list:
    from . import tickets

    return [tickets.mail_ticket(ticket=target, to=person, template="support/ticket_merged", context={
        "first_name": person.first_name, "duplicate_number": duplicate.number, "duplicate_subject": duplicate.subject,
        "target_number": target.number, "target_subject": target.subject, "ticket_url": tickets.ticket_url(target)})
        for person in dealer_recipients(duplicate)]


# --- the clocks (support.services.clocks) -------------------------------------------------------------------------

def _clocks():
    from . import clocks

    return clocks


def _moved(ticket, *, to, actor, note="", fields=()) -> None:
    """Move the locked ticket (the only status write here); the clocks follow in their TICKET.moved listener
    (support.services.clocks.on_ticket_moved: pause, resume, resolved and closed moments, due times)."""
    TICKET.move(ticket, to=to, actor=actor, note=note, fields=list(fields))


# --- writes ------------------------------------------------------------------------------------------------------------

def _message(*, ticket, actor, kind, body, article=None) -> Message:
    body = (body or "").strip()
    if not body:
        raise EmptyMessage(_("Write something first."), field="body")
    user, _on_behalf = acting_user(actor)
    return Message.objects.create(ticket=ticket, kind=kind, author=user, from_staff=True, via=TicketSource.WEB,
                                  body=body, article=article)


def _attach(*, message, attachments, actor) -> None:
    if not attachments:
        return
    from . import tickets

    tickets.save_attachments(message=message, files=list(attachments), actor=actor)


@locks.retry_when_busy
def staff_reply(*, actor, ticket, body, attachments=(), canned=None, article=None, then=None) -> Message:
    """A public reply by a support agent: the dealer sees it and is mailed it. The first one stops the
    first-response clock; a reply to a new ticket opens it; `then` moves it on ("waiting_on_dealer": the clocks
    pause until the dealer answers; "resolved"). `canned`: the canned reply it started from (its text is `body`,
    as the agent edited it); `article`: a published FAQ article linked under the reply."""
    _require_agent(actor, ticket)
    if then and then not in REPLY_MOVES:
        raise ReplyMoveNotAllowed(_("A reply can only wait on the dealer or resolve the ticket."), field="then")
    if article is not None and article.status != "published":
        raise EmptyMessage(_("Link a published article."), field="article")
    with transaction.atomic():
        ticket = locks.ticket(ticket)
        if ticket.status == S.CLOSED:
            raise TicketClosed(_("This ticket is closed: it takes no reply."))
        message = _message(ticket=ticket, actor=actor, kind=MessageKind.REPLY, body=body, article=article)
        _attach(message=message, attachments=attachments, actor=actor)
        _clocks().mark_first_response(ticket=ticket, at=message.created_at)
        if then:
            if ticket.status != then:
                _moved(ticket, to=then, actor=actor)
        elif ticket.status == S.NEW:
            _moved(ticket, to=S.OPEN, actor=actor)
        from .. import channels

        channels.deliver_reply(ticket=ticket, message=message)
    return message


@locks.retry_when_busy
def add_note(*, actor, ticket, body, attachments=()) -> Message:
    """An internal note: staff only. It is never mailed, never on a dealer's page or in an API answer, and it does
    not count as a response to the dealer (the clocks do not change)."""
    _require_agent(actor, ticket)
    with transaction.atomic():
        ticket = locks.ticket(ticket)
        message = _message(ticket=ticket, actor=actor, kind=MessageKind.NOTE, body=body)
        _attach(message=message, attachments=attachments, actor=actor)
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return message


@locks.retry_when_busy
def assign(*, actor, ticket, assignee=None, team=None) -> Ticket:
    """Give the ticket to a support agent (or a sales agent of its dealer) and/or a team (None leaves it unassigned /
    without a team). Anyone else as the assignee is refused."""
    _require_agent(actor, ticket)
    if assignee is not None and not permissions.may_be_assigned(assignee, dealer=ticket.dealer):
        raise AssigneeNotAgent(_("Tickets are assigned only to support agents or to a sales agent of the ticket’s "
                                 "dealer."), field="assignee")
    if team is not None and not isinstance(team, Team):
        team = Team.objects.get(pk=team)
    with transaction.atomic():
        ticket = locks.ticket(ticket)
        if ticket.status == S.CLOSED:
            raise TicketClosed(_("This ticket is closed: it cannot be assigned any more."))
        ticket.assignee = assignee
        ticket.team = team
        ticket.save(update_fields=["assignee", "team", "updated_at"])
        user, _on_behalf = acting_user(actor)
        audit.record(actor=user, action="support.ticket.assigned", target=ticket, dealer=ticket.dealer,
                     data={"assignee": getattr(assignee, "pk", None), "team": getattr(team, "pk", None)})
    return ticket


@locks.retry_when_busy
def set_priority(*, actor, ticket, priority) -> Ticket:
    """Staff set the priority (the dealer only states its urgency); the due times are computed again from the
    policy of the new priority and the dealer's tier."""
    _require_agent(actor, ticket)
    if priority not in Priority.values:
        raise EmptyMessage(_("Choose a priority."), field="priority")
    with transaction.atomic():
        ticket = locks.ticket(ticket)
        if ticket.priority == priority:
            return ticket
        previous = ticket.priority
        ticket.priority = priority
        ticket.save(update_fields=["priority", "updated_at"])
        _clocks().recompute_due(ticket=ticket)
        user, _on_behalf = acting_user(actor)
        audit.record(actor=user, action="support.ticket.priority", target=ticket, dealer=ticket.dealer,
                     data={"from": previous, "to": priority})
    return ticket


@locks.retry_when_busy
def move(*, actor, ticket, to, note="") -> Ticket:
    """A status move from the desk (the ticket's buttons); a move the lifecycle does not allow is refused (409,
    support.move_not_allowed) and changes nothing."""
    _require_agent(actor, ticket)
    with transaction.atomic():
        ticket = locks.ticket(ticket)
        _moved(ticket, to=to, actor=actor, note=note)
    return ticket


@locks.retry_when_busy
def merge(*, actor, ticket, into) -> Ticket:
    """Merge the duplicate `ticket` into `into`, another ticket of the same dealer that is not closed: the
    duplicate's messages move to `into` (re-pointed, so the conversation is in one place, in the order written), the
    duplicate is closed with `merged_into` set, and the dealer is mailed once. Returns the target."""
    _require_agent(actor, ticket)
    if ticket.pk == into.pk:
        raise MergeNotAllowed(_("A ticket cannot be merged into itself."), field="into")
    if ticket.dealer_id != into.dealer_id:
        raise MergeNotAllowed(_("Only tickets of the same dealer can be merged."), field="into")
    with transaction.atomic():
        rows = locks.tickets([ticket, into])
        duplicate, target = rows[ticket.pk], rows[into.pk]
        if duplicate.status == S.CLOSED:
            raise MergeNotAllowed(_("Ticket %(number)s is closed already.") % {"number": duplicate.number})
        if target.status == S.CLOSED:
            raise MergeNotAllowed(_("Ticket %(number)s is closed: merge into an open ticket.")
                                  % {"number": target.number}, field="into")
        moved = Message.objects.filter(ticket=duplicate).update(ticket=target)
        duplicate.merged_into = target
        _moved(duplicate, to=S.CLOSED, actor=actor, fields=["merged_into"],
               note=_("Merged into %(number)s.") % {"number": target.number})
        user, _on_behalf = acting_user(actor)
        Message.objects.create(ticket=target, kind=MessageKind.NOTE, author=user, from_staff=True,
                               via=TicketSource.STAFF,
                               body=ngettext("Ticket %(number)s (%(subject)s) was merged into this one; %(count)s "
                                             "message moved here.",
                                             "Ticket %(number)s (%(subject)s) was merged into this one; %(count)s "
                                             "messages moved here.", moved)
                               % {"number": duplicate.number, "subject": duplicate.subject, "count": moved})
        Ticket.objects.filter(pk=target.pk).update(updated_at=timezone.now())
        _notify_merged(duplicate=duplicate, target=target)
    return target
