"""Phone calls (issue 16): an agent logs a call on a ticket, or opens a ticket from a call.

A call is a `Message` of kind "call" (via phone, from staff, written by the agent) and a `Call` row with its
direction, number, start, duration and the agent's **notes, which are staff-only**: the message's body is a neutral
summary ("Phone call (incoming, 4 min)") and the dealer's page and API show the call as "Phone call with <agent>,
4 min" (`dealer_summary`), never the notes. A call is never mailed (`tickets.mail_ticket` takes replies only) and
never handed to a channel (it does not go through `channels.deliver_reply`).

The SLA counts a call as a response: an outgoing call, or an incoming call the agent answered, is a conversation with
the dealer, so it stops the first-response clock (at the call's start, not before the ticket opened). A call on a new
ticket opens it (like a reply); an incoming call on a ticket waiting on the dealer is the dealer's answer: the ticket
is open again and its clocks resume (the clocks' TICKET.moved listener).

Refused with `BadCall` (400) and nothing changed: an unknown direction, a duration outside 0–24 hours, a start more
than five minutes ahead or of a call that ended before the ticket was opened, notes over 5,000 characters, NUL
bytes; a closed ticket takes no call (`TicketClosed`, 409); only support agents log calls (`NotSupportAgent`, 403).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from portal import audit, locks, numbering
from portal.lifecycle import acting_user

from .. import permissions
from ..errors import BadCall, NotSupportAgent, TicketClosed
from ..models import (
    TICKET,
    Call,
    CallDirection,
    Message,
    MessageKind,
    Priority,
    Ticket,
    TicketCategory,
    TicketSource,
    TicketStatus,
)
from .tickets import team_for

__all__ = ["MAX_DURATION_SECONDS", "dealer_summary", "desk_summary", "log_call", "minutes", "open_ticket_from_call"]

S = TicketStatus
MAX_DURATION_SECONDS = 24 * 3600
FUTURE_SLACK = dt.timedelta(minutes=5)   # a clock a little ahead of the server's is not refused
MAX_NOTES = 5000
MAX_PHONE = 40
MAX_SUBJECT = 200


# --- how a call reads ------------------------------------------------------------------------------------------------

def minutes(seconds) -> int:
    """A call's length in whole minutes as people say it: started minutes count (30 seconds is 1 minute)."""
    seconds = int(seconds or 0)
    return (seconds + 59) // 60


def _length(seconds) -> str:
    n = minutes(seconds)
    return ngettext("%(n)s min", "%(n)s min", n) % {"n": n}


def _direction(direction) -> str:
    return str(CallDirection(direction).label) if direction in CallDirection.values else ""


def desk_summary(call) -> str:
    """The desk's heading of a call: "Phone call · Incoming · 4 min · Deniz Destek" (the notes shown apart)."""
    agent = call.agent
    parts = [pgettext("support channel", "Phone call"), _direction(call.direction), _length(call.duration_seconds)]
    if agent is not None:
        parts.append(agent.get_full_name() or agent.email)
    return " · ".join(part for part in parts if part)


def dealer_summary(call) -> str:
    """What the dealer reads of a call (page and API): who of support they spoke with and how long, never the notes:
    "Phone call with Deniz, 4 min"."""
    agent = call.agent
    name = (agent.first_name or _("Support")) if agent is not None else _("Support")
    return _("Phone call with %(agent)s, %(length)s") % {"agent": name, "length": _length(call.duration_seconds)}


def _stored_body(direction, seconds) -> str:
    """The call message's body: a neutral line without the notes (the pages translate the call when they show it)."""
    return f"Phone call ({'incoming' if direction == CallDirection.INBOUND else 'outgoing'}, {minutes(seconds)} min)"


# --- checks ------------------------------------------------------------------------------------------------------------

def _require_agent(actor, ticket=None) -> None:
    if not permissions.may_work_ticket(actor, ticket):
        raise NotSupportAgent(_("Only support agents log phone calls."))


@dataclass(frozen=True)
class _CallFields:
    direction: str
    started_at: dt.datetime
    duration_seconds: int
    notes: str
    phone_number: str

    @property
    def ended_at(self) -> dt.datetime:
        return self.started_at + dt.timedelta(seconds=self.duration_seconds)


def _text(value, *, field, limit, label) -> str:
    value = "" if value is None else value
    if not isinstance(value, str):
        raise BadCall(_("%(label)s must be text.") % {"label": label}, field=field)
    value = value.strip()
    if "\x00" in value:
        raise BadCall(_("%(label)s holds a character that cannot be stored.") % {"label": label}, field=field)
    if len(value) > limit:
        raise BadCall(_("Write at most %(n)s characters.") % {"n": limit}, field=field)
    return value


def _clean_call(*, direction, started_at, duration_seconds, notes, phone_number, now) -> _CallFields:
    if direction not in CallDirection.values:
        raise BadCall(_("Say whether the dealer called or you did."), field="direction")
    if not isinstance(started_at, dt.datetime):
        raise BadCall(_("Give the time the call started."), field="started_at")
    if timezone.is_naive(started_at):
        started_at = timezone.make_aware(started_at)
    if started_at > now + FUTURE_SLACK:
        raise BadCall(_("The call cannot start in the future."), field="started_at")
    if isinstance(duration_seconds, bool):
        duration_seconds = None
    try:
        seconds = int(duration_seconds)
        if seconds != duration_seconds and not isinstance(duration_seconds, str):
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise BadCall(_("Give the call's length in whole seconds."), field="duration_seconds") from None
    if not 0 <= seconds <= MAX_DURATION_SECONDS:
        raise BadCall(_("A call lasts between 0 minutes and 24 hours."), field="duration_seconds")
    notes = _text(notes, field="notes", limit=MAX_NOTES, label=_("The notes"))
    phone = _text(phone_number, field="phone_number", limit=MAX_PHONE, label=_("The phone number"))
    if phone:
        from dealers.phones import to_e164

        phone = to_e164(phone) or phone
    return _CallFields(direction=direction, started_at=started_at, duration_seconds=seconds, notes=notes,
                       phone_number=phone)


def _record_call(*, ticket, user, fields: _CallFields, at) -> Call:
    """The call's message (in the conversation where the call happened) and its row."""
    message = Message.objects.create(ticket=ticket, kind=MessageKind.CALL, author=user, from_staff=True,
                                     via=TicketSource.PHONE, body=_stored_body(fields.direction,
                                                                               fields.duration_seconds))
    if at is not None and at != message.created_at:
        Message.objects.filter(pk=message.pk).update(created_at=at)
        message.created_at = at
    return Call.objects.create(ticket=ticket, message=message, agent=user, direction=fields.direction,
                               phone_number=fields.phone_number, started_at=fields.started_at,
                               duration_seconds=fields.duration_seconds, notes=fields.notes)


def _clocks():
    from . import clocks

    return clocks


# --- writes ------------------------------------------------------------------------------------------------------------

@locks.retry_when_busy
def log_call(*, actor, ticket, direction, started_at, duration_seconds, notes="", phone_number="") -> Call:
    """Log a phone call on `ticket` (module doc): the call enters the conversation (the notes staff-only), stops the
    first-response clock, opens a new ticket, and an incoming call reopens a ticket waiting on the dealer."""
    _require_agent(actor, ticket)
    now = timezone.now()
    fields = _clean_call(direction=direction, started_at=started_at, duration_seconds=duration_seconds, notes=notes,
                         phone_number=phone_number, now=now)
    user, _on_behalf = acting_user(actor)
    with transaction.atomic():
        ticket = locks.ticket(ticket)
        if ticket.status == S.CLOSED:
            raise TicketClosed(_("This ticket is closed: log the call on a new ticket."))
        if fields.ended_at < ticket.created_at:
            raise BadCall(_("This call ended before the ticket was opened."), field="started_at")
        at = min(max(fields.started_at, ticket.created_at), now)
        call = _record_call(ticket=ticket, user=user, fields=fields, at=at)
        _clocks().mark_first_response(ticket=ticket, at=at)
        if ticket.status == S.NEW:
            TICKET.move(ticket, to=S.OPEN, actor=actor)
        elif ticket.status == S.WAITING_ON_DEALER and fields.direction == CallDirection.INBOUND:
            ticket.last_dealer_reply_at = now
            TICKET.move(ticket, to=S.OPEN, actor=actor, note=_("The dealer called."),
                        fields=["last_dealer_reply_at"])
        else:
            ticket.save(update_fields=["updated_at"])
        audit.record(actor=user, action="support.ticket.call", target=ticket, dealer=ticket.dealer,
                     data={"direction": fields.direction, "duration_seconds": fields.duration_seconds,
                           "call": call.pk})
    return call


@locks.retry_when_busy
def open_ticket_from_call(*, actor, dealer, caller=None, subject, category, priority=Priority.NORMAL,
                          direction=CallDirection.INBOUND, started_at, duration_seconds, notes="", phone_number="",
                          assignee=None) -> Ticket:
    """A ticket of `dealer` typed by a support agent from a phone call: source phone, opened by `caller` (a user of
    that dealer; None when the caller is not a portal user: the dealer's owners then hear of it), `on_behalf` set
    (an agent wrote it for the dealer; the audit names the agent). Its first message is the call, which is also
    its first response: it starts open. `assignee`: the agent who keeps it (None: its team's queue)."""
    _require_agent(actor)
    now = timezone.now()
    subject = _text(subject, field="subject", limit=MAX_SUBJECT, label=_("The subject"))
    if not subject:
        raise BadCall(_("Give the ticket a subject."), field="subject")
    if category not in TicketCategory.values:
        raise BadCall(_("Choose what the ticket is about."), field="category")
    if priority not in Priority.values:
        raise BadCall(_("Choose a priority."), field="priority")
    if dealer is None or not getattr(dealer, "pk", None):
        raise BadCall(_("Choose the dealer who called."), field="dealer")
    if caller is not None and (caller.dealer_id != dealer.pk or not caller.is_active):
        raise BadCall(_("The caller must be an active user of this dealer."), field="caller")
    if assignee is not None and not permissions.may_be_assigned(assignee):
        raise BadCall(_("Tickets are assigned only to support agents."), field="assignee")
    fields = _clean_call(direction=direction, started_at=started_at, duration_seconds=duration_seconds, notes=notes,
                         phone_number=phone_number, now=now)
    user, _on_behalf = acting_user(actor)
    with transaction.atomic():
        ticket = Ticket.objects.create(
            number=numbering.next_number("TCK"), dealer=dealer, opened_by=caller, on_behalf=True,
            source=TicketSource.PHONE, subject=subject, category=category, urgency=priority, priority=priority,
            team=team_for(category), assignee=assignee,
            last_dealer_reply_at=now if fields.direction == CallDirection.INBOUND else None)
        call = _record_call(ticket=ticket, user=user, fields=fields, at=None)
        _clocks().recompute_due(ticket=ticket)
        _clocks().mark_first_response(ticket=ticket, at=ticket.created_at)
        TICKET.move(ticket, to=S.OPEN, actor=actor)
        audit.record(actor=user, action="support.ticket.opened", target=ticket, dealer=dealer,
                     data={"number": ticket.number, "source": TicketSource.PHONE, "category": category,
                           "by_agent": getattr(user, "pk", None), "caller": getattr(caller, "pk", None),
                           "call": call.pk})
    return ticket
