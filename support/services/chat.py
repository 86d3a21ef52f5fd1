"""Live chat (issue 16): a chat is a ticket of channel "chat" whose transcript is its messages, plus a ChatSession row
(who talks: a dealer user or a visitor from the public pages, which agent, in which language, waiting/active/ended).

- **Availability.** Chat is offered within the desk's business hours (the SLA calendar: working hours and holidays,
  Europe/Istanbul) while at least one agent is on duty and was seen by the desk within
  SUPPORT_CHAT_PRESENCE_SECONDS (every desk page request is a heartbeat).
- **Starting.** `start_chat` opens the ticket (category "other", subject from the first words, source "chat"), its
  first message and the session; the SLA's first response is measured from that message (the ticket's opening).
  A dealer user's chat is for their dealer; a sales agent acting for a dealer is refused (the desk or the phone).
- **Messages.** `post_message`: a dealer's is `tickets.reply(via=chat)`, a visitor's is written here, an agent's is
  `desk.staff_reply` (the first response clock; it reaches the other side through the chat adapter). Each message
  from a browser carries a `client_id`, stored as `external_id = "chat:<client_id>"`, so a resend after a reconnect
  is taken once. Every message is pushed to the chat's group right after commit (`broadcast`); a dead channel
  layer (Redis) loses no message: it is in the database, and the browser reads it by "resume" or the HTTP fallback.
- **The desk.** `accept` (a waiting chat becomes the agent's), `hand_over` (to a colleague on duty), `end_chat`,
  `follow_up`: ends the chat and turns its ticket into a normal open ticket waiting for the agent (the conversation
  stays one ticket; replies go by mail from then on, as the chat adapter no longer reaches anyone).

Locks: the ticket row (portal.locks.ticket), then the session row (always read under the ticket's lock).
"""
from __future__ import annotations

import logging
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import timedelta

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import audit, locks, numbering
from portal.lifecycle import acting_user

from .. import permissions
from ..errors import BadTicket, ChatEnded, ChatNotAllowed, ChatUnavailable, NotSupportAgent
from ..models import (
    TICKET,
    AgentPresence,
    ChatSession,
    ChatStatus,
    Message,
    MessageKind,
    Priority,
    Ticket,
    TicketCategory,
    TicketSource,
    TicketStatus,
)

__all__ = ["Availability", "accept", "availability", "broadcast", "broadcast_status", "end_chat", "follow_up",
           "frame_of", "group_name", "hand_over", "heartbeat", "post_message", "send_to_group", "set_on_duty",
           "start_chat", "typing"]

log = logging.getLogger(__name__)
CHAT = TicketSource.CHAT
MAX_BODY = 4000
MAX_CLIENT_ID = 100
SUBJECT_WORDS = 8
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


# --- the channel layer -----------------------------------------------------------------------------------------------

def group_name(session_or_pk) -> str:
    """The channel layer group of one chat (both sides' sockets join it)."""
    return f"support.chat.{getattr(session_or_pk, 'pk', session_or_pk)}"


def send_to_group(group: str, event: dict) -> bool:
    """group_send that never raises: a dead Redis is logged and the message waits in the database."""
    from channels.layers import get_channel_layer

    try:
        layer = get_channel_layer()
        if layer is None:
            return False
        async_to_sync(layer.group_send)(group, event)
        return True
    except Exception as exc:  # noqa: BLE001 - the channel layer is a courtesy; the database holds the message
        log.warning("live chat: channel layer unavailable (%s): %s", group, exc)
        return False


def author_name(message) -> str:
    """Who wrote it, as the chat shows it: an agent's first name, the dealer user's name, the visitor's name."""
    author = message.author
    if author is not None:
        return author.first_name or author.get_full_name() or author.email.split("@")[0]
    if message.from_staff:
        return _("Support")
    return message.ticket.visitor_name or _("Visitor")


def frame_of(message) -> dict:
    """The socket frame of a public message (never called for an internal note)."""
    external = message.external_id or ""
    return {"type": "message", "id": message.pk, "body": message.body, "from_staff": message.from_staff,
            "author": author_name(message), "at": message.created_at.isoformat(),
            "client_id": external[5:] if external.startswith("chat:") else ""}


def public_messages(ticket, *, after=0):
    """The messages both sides of the chat read, oldest first: replies only (never a note or a call's notes)."""
    try:
        after = int(after or 0)
    except (TypeError, ValueError):
        after = 0
    after = max(0, min(after, 2**62))
    return (Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY, pk__gt=after)
            .select_related("author", "ticket").order_by("pk"))


_sending = threading.local()


def current_origin() -> str:
    """The socket (channel name) whose message is being written in this thread, "" for a page or a task: the chat
    adapter tags the frame with it, so that socket does not get its own message twice."""
    return getattr(_sending, "origin", "")


def broadcast(message_pk, *, origin="") -> None:
    """After commit: the message's frame to its chat's group (`origin`: the socket that sent it, which echoes it
    itself). Read again from the database, so the frame is what was stored."""
    message = (Message.objects.filter(pk=message_pk, kind=MessageKind.REPLY).select_related("author", "ticket__chat")
               .first())
    chat = getattr(message.ticket, "chat", None) if message is not None else None
    if chat is None:
        return
    send_to_group(group_name(chat), {"type": "chat.frame", "frame": frame_of(message), "origin": origin})


def status_frame(session) -> dict:
    agent = session.agent
    return {"type": "status", "status": session.status,
            "agent": (agent.first_name or agent.get_full_name() or "") if agent is not None else ""}


def broadcast_status(session) -> None:
    """After commit: the chat's status (and agent) to both sides."""
    session_pk = session.pk

    def send():
        fresh = ChatSession.objects.select_related("agent").filter(pk=session_pk).first()
        if fresh is not None:
            send_to_group(group_name(fresh), {"type": "chat.frame", "frame": status_frame(fresh), "origin": ""})

    transaction.on_commit(send)


def typing(*, session, from_staff: bool, name: str, origin="") -> None:
    send_to_group(group_name(session), {"type": "chat.frame", "origin": origin,
                                        "frame": {"type": "typing", "from_staff": bool(from_staff),
                                                  "name": str(name)[:60]}})


# --- the visitor's cookie --------------------------------------------------------------------------------------------

VISITOR_COOKIE = "support_chat"
VISITOR_COOKIE_SALT = "support.chat.visitor"
VISITOR_COOKIE_AGE = 7 * 24 * 3600


def sign_visitor_key(key: str) -> str:
    """The value of the `support_chat` cookie (as HttpResponse.set_signed_cookie writes it)."""
    from django.core import signing

    return signing.get_cookie_signer(salt=VISITOR_COOKIE + VISITOR_COOKIE_SALT).sign(key)


def read_visitor_cookie(cookies) -> str:
    """The visitor key from the request's cookies (a dict), "" when missing, forged or too old."""
    from django.core import signing

    value = (cookies or {}).get(VISITOR_COOKIE) or ""
    if not value:
        return ""
    try:
        return signing.get_cookie_signer(salt=VISITOR_COOKIE + VISITOR_COOKIE_SALT).unsign(
            value, max_age=VISITOR_COOKIE_AGE)
    except signing.BadSignature:
        return ""


# --- availability and presence ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str  # "" | "out_of_hours" | "no_agent"


def in_business_hours(now=None) -> bool:
    from .clocks import calendar

    now = now or timezone.now()
    cal = calendar()
    return any(start <= now < end for start, end in cal.intervals(cal.local_day(now)))


def agents_present(now=None):
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.SUPPORT_CHAT_PRESENCE_SECONDS)
    return AgentPresence.objects.filter(on_duty=True, last_seen_at__gte=since, user__is_active=True)


def availability(*, now=None) -> Availability:
    """Whether a chat can start now (module doc)."""
    now = now or timezone.now()
    if not in_business_hours(now):
        return Availability(False, "out_of_hours")
    if not agents_present(now).exists():
        return Availability(False, "no_agent")
    return Availability(True, "")


def _require_agent(user) -> None:
    if not permissions.is_support_agent(user):
        raise NotSupportAgent(_("Only support agents work on the support desk."))


def set_on_duty(*, actor, on: bool) -> AgentPresence:
    """An agent starts or stops taking chats (going on duty counts as being seen now)."""
    _require_agent(actor)
    user = getattr(actor, "user", actor)
    presence, _created = AgentPresence.objects.update_or_create(
        user=user, defaults={"on_duty": bool(on), "last_seen_at": timezone.now()})
    return presence


def heartbeat(*, user) -> None:
    """The desk heard from an agent on duty (one UPDATE, nothing for anyone else or when off duty)."""
    if getattr(user, "is_authenticated", False):
        AgentPresence.objects.filter(user_id=user.pk, on_duty=True).update(last_seen_at=timezone.now())


# --- starting a chat -------------------------------------------------------------------------------------------------

def _clean_body(body) -> str:
    body = str(body or "").replace("\x00", "").strip()
    if not body:
        raise BadTicket(_("Write your message first."), field="body")
    if len(body) > MAX_BODY:
        raise BadTicket(_("Write at most %(n)s characters.") % {"n": MAX_BODY}, field="body")
    return body


def _subject(body: str) -> str:
    words = body.split()
    subject = " ".join(words[:SUBJECT_WORDS])
    if len(words) > SUBJECT_WORDS:
        subject += "…"
    return subject[:200]


def new_visitor_key() -> str:
    return secrets.token_urlsafe(32)


@locks.retry_when_busy
def start_chat(*, actor=None, body, name="", email="", visitor_key="", language=None, now=None) -> ChatSession:
    """Start a chat (module doc). `actor`: a dealer user's Actor; None for a visitor, who gives a name and an e-mail
    address and holds `visitor_key` (its browser's cookie). Refused out of hours or with no agent on duty
    (ChatUnavailable, 409, with its reason), for a sales agent acting for a dealer or staff (ChatNotAllowed, 403),
    and for bad input (BadTicket, 400, naming the field)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from . import tickets

    if actor is not None and not permissions.may_chat(actor):
        raise ChatNotAllowed(_("Sales agents and staff use the support desk or the phone, not the chat."))
    body = _clean_body(body)
    if actor is None:
        name = str(name or "").replace("\x00", "").strip()
        email = str(email or "").replace("\x00", "").strip()
        if not name:
            raise BadTicket(_("Tell us your name."), field="name")
        if len(name) > 100:
            raise BadTicket(_("Say it in at most %(n)s characters.") % {"n": 100}, field="name")
        try:
            validate_email(email)
        except ValidationError:
            raise BadTicket(_("Enter a valid e-mail address."), field="email") from None
        if not visitor_key:
            raise BadTicket(_("Your browser must accept cookies to chat."), field="body")
    state = availability(now=now)
    if not state.available:
        raise ChatUnavailable(_unavailable_message(state.reason), reason=state.reason)
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:10]
    user, on_behalf = acting_user(actor) if actor is not None else (None, False)
    with transaction.atomic():
        ticket = _create_chat_ticket(actor=actor, user=user, on_behalf=on_behalf, body=body, name=name, email=email,
                                     tickets=tickets)
        session = ChatSession.objects.create(ticket=ticket, user=user, visitor_key=visitor_key if user is None else "",
                                             language=language)
    return session


def _create_chat_ticket(*, actor, user, on_behalf, body, name, email, tickets) -> Ticket:
    subject = _subject(body)
    if actor is not None:
        return tickets.open_ticket(actor=actor, subject=subject, body=body, category=TicketCategory.OTHER,
                                   source=CHAT)
    # A visitor: no dealer and no user; the ticket is the visitor's by name and address.
    ticket = Ticket.objects.create(
        number=numbering.next_number("TCK"), dealer=None, visitor_name=name, visitor_email=email, source=CHAT,
        subject=subject, category=TicketCategory.OTHER, urgency=Priority.NORMAL, priority=Priority.NORMAL,
        team=tickets.team_for(TicketCategory.OTHER), last_dealer_reply_at=timezone.now())
    Message.objects.create(ticket=ticket, kind=MessageKind.REPLY, from_staff=False, via=CHAT, body=body)
    from .clocks import recompute_due

    recompute_due(ticket=ticket)
    audit.record(actor=None, action="support.ticket.opened", target=ticket, dealer=None,
                 data={"number": ticket.number, "source": CHAT, "category": TicketCategory.OTHER, "visitor": True})
    return ticket


def _unavailable_message(reason) -> str:
    if reason == "out_of_hours":
        return _("Live chat is open during our business hours. Please leave us a message instead.")
    return _("No agent is free for a chat right now. Please leave us a message instead.")


# --- messages --------------------------------------------------------------------------------------------------------

def clean_client_id(client_id) -> str:
    client_id = str(client_id or "").strip()
    if client_id and not _CLIENT_ID.match(client_id):
        raise BadTicket(_("This message cannot be sent as it is."), field="client_id")
    return client_id


@dataclass(frozen=True)
class Posted:
    message: Message
    created: bool


def post_message(*, session, user, body, client_id="", visitor_key="", origin="") -> Posted:
    """A message in the chat by its dealer user, its visitor (`visitor_key`) or a support agent (module doc).
    The same `client_id` twice is taken once (the second call returns the first message, created=False)."""
    client_id = clean_client_id(client_id)
    session = ChatSession.objects.select_related("ticket").filter(pk=getattr(session, "pk", None)).first()
    if not permissions.may_join_chat(user, session, visitor_key=visitor_key):
        raise ChatNotAllowed(_("This chat is not yours."))
    body = _clean_body(body)
    external_id = f"chat:{client_id}" if client_id else ""
    existing = _existing(session, external_id)
    if existing is not None:
        return Posted(existing, False)
    if session.status == ChatStatus.ENDED:
        raise ChatEnded(_("This chat has ended. Open a ticket to write to us."))
    try:
        if permissions.is_support_agent(user):
            message = _post_as_agent(session=session, user=user, body=body, external_id=external_id, origin=origin)
        elif session.user_id is not None:
            message = _post_as_dealer(session=session, user=user, body=body, external_id=external_id, origin=origin)
        else:
            message = _post_as_visitor(session=session, body=body, external_id=external_id, origin=origin)
    except IntegrityError:  # the same client_id at the same moment (two tabs, a resend racing its original)
        existing = _existing(session, external_id)
        if existing is None:
            raise
        return Posted(existing, False)
    return Posted(message, True)


def _existing(session, external_id):
    if not external_id:
        return None
    message = (Message.objects.filter(via=CHAT, external_id=external_id).select_related("author", "ticket").first())
    if message is not None and message.ticket_id != session.ticket_id:
        raise BadTicket(_("This message cannot be sent as it is."), field="client_id")
    return message


def _touch(session, **fields) -> None:
    ChatSession.objects.filter(pk=session.pk).update(last_activity_at=timezone.now(), **fields)


def _post_as_agent(*, session, user, body, external_id, origin) -> Message:
    from . import desk

    with transaction.atomic():
        ticket = locks.ticket(session.ticket_id)
        chat = ChatSession.objects.select_for_update().get(pk=session.pk)
        if chat.status == ChatStatus.ENDED:
            raise ChatEnded(_("This chat has ended."))
        if ticket.status == TicketStatus.CLOSED:
            raise ChatEnded(_("This chat has ended."))
        _sending.origin = origin
        try:  # the chat adapter pushes the frame after commit (support/channels/chat.py)
            message = desk.staff_reply(actor=user, ticket=ticket, body=body)
        finally:
            _sending.origin = ""
        if external_id:
            Message.objects.filter(pk=message.pk).update(external_id=external_id, via=CHAT)
        if chat.status == ChatStatus.WAITING:  # writing into a waiting chat takes it
            _take(chat, user, ticket=ticket)
        _touch(chat)
    message.refresh_from_db()
    return message


def _post_as_dealer(*, session, user, body, external_id, origin) -> Message:
    from portal.actors import Actor

    from . import tickets

    actor = Actor(user=user, dealer=user.dealer)
    with transaction.atomic():
        message = tickets.reply(actor=actor, ticket=session.ticket, body=body, via=CHAT,
                                message_fields={"external_id": external_id} if external_id else None)
        _touch(session)
        transaction.on_commit(lambda: broadcast(message.pk, origin=origin))
    return message


def _post_as_visitor(*, session, body, external_id, origin) -> Message:
    now = timezone.now()
    with transaction.atomic():
        ticket = locks.ticket(session.ticket_id)
        message = Message.objects.create(ticket=ticket, kind=MessageKind.REPLY, from_staff=False, via=CHAT,
                                         body=body, external_id=external_id)
        ticket.last_dealer_reply_at = now
        if ticket.status in (TicketStatus.WAITING_ON_DEALER, TicketStatus.RESOLVED):
            TICKET.move(ticket, to=TicketStatus.OPEN, actor=None, fields=["last_dealer_reply_at"])
        else:
            ticket.save(update_fields=["last_dealer_reply_at", "updated_at"])
        _touch(session)
        transaction.on_commit(lambda: broadcast(message.pk, origin=origin))
    return Message.objects.select_related("author", "ticket").get(pk=message.pk)


# --- the desk ----------------------------------------------------------------------------------------------------------

def _take(chat, user, *, ticket) -> None:
    chat.status = ChatStatus.ACTIVE
    chat.agent = user
    chat.accepted_at = chat.accepted_at or timezone.now()
    chat.save(update_fields=["status", "agent", "accepted_at"])
    if ticket.assignee_id != user.pk:
        ticket.assignee = user
        ticket.save(update_fields=["assignee", "updated_at"])
    broadcast_status(chat)


def _locked_chat(session):
    ticket = locks.ticket(session.ticket_id)
    chat = ChatSession.objects.select_for_update(of=("self",)).select_related("agent").get(pk=session.pk)
    return ticket, chat


@locks.retry_when_busy
def accept(*, actor, session) -> ChatSession:
    """An agent takes a waiting chat: it becomes active and the ticket theirs. Taken by someone else already, or
    ended: refused (ChatTaken / ChatEnded, 409)."""
    from ..errors import ChatTaken

    _require_agent(actor)
    with transaction.atomic():
        ticket, chat = _locked_chat(session)
        if chat.status == ChatStatus.ENDED:
            raise ChatEnded(_("This chat has ended."))
        if chat.status == ChatStatus.ACTIVE and chat.agent_id not in (None, actor.pk):
            raise ChatTaken(_("%(name)s took this chat already.") % {
                "name": chat.agent.get_full_name() or chat.agent.email})
        _take(chat, actor, ticket=ticket)
        audit.record(actor=actor, action="support.chat.accepted", target=ticket, dealer=ticket.dealer, data={})
    return chat


@locks.retry_when_busy
def hand_over(*, actor, session, to) -> ChatSession:
    """Give the chat to a colleague on duty: the assignee changes and both sides hear it (a status frame)."""
    from ..errors import ChatHandoverRefused

    _require_agent(actor)
    if to is None or not permissions.is_support_agent(to) or not agents_present().filter(user=to).exists():
        raise ChatHandoverRefused(_("Hand the chat over to a colleague who is on duty."), field="agent")
    if to.pk == actor.pk:
        raise ChatHandoverRefused(_("Hand the chat over to a colleague who is on duty."), field="agent")
    with transaction.atomic():
        ticket, chat = _locked_chat(session)
        if chat.status == ChatStatus.ENDED:
            raise ChatEnded(_("This chat has ended."))
        chat.handed_over_by = actor
        chat.save(update_fields=["handed_over_by"])
        _take(chat, to, ticket=ticket)
        user_name = actor.get_full_name() or actor.email
        Message.objects.create(ticket=ticket, kind=MessageKind.NOTE, author=actor, from_staff=True, via=CHAT,
                               body=_("Chat handed over by %(from)s to %(to)s.") % {
                                   "from": user_name, "to": to.get_full_name() or to.email})
        audit.record(actor=actor, action="support.chat.handed_over", target=ticket, dealer=ticket.dealer,
                     data={"to": to.pk})
    return chat


@locks.retry_when_busy
def end_chat(*, actor, session) -> ChatSession:
    """End the chat (an agent, or its own dealer user or visitor): no more messages; the ticket stays as it is
    (staff resolve it on the desk; a reply from then on goes by mail). Ending an ended chat changes nothing."""
    with transaction.atomic():
        ticket, chat = _locked_chat(session)
        if chat.status == ChatStatus.ENDED:
            return chat
        chat.status = ChatStatus.ENDED
        chat.ended_at = timezone.now()
        chat.save(update_fields=["status", "ended_at"])
        broadcast_status(chat)
        user = getattr(actor, "user", actor)
        audit.record(actor=user if getattr(user, "is_authenticated", False) else None,
                     action="support.chat.ended", target=ticket, dealer=ticket.dealer, data={})
    return chat


@locks.retry_when_busy
def follow_up(*, actor, session) -> Ticket:
    """The chat needs more work: it ends, and its ticket carries on as a normal open ticket assigned to the agent
    (the conversation stays in one ticket; replies go by mail from now on)."""
    _require_agent(actor)
    with transaction.atomic():
        ticket, chat = _locked_chat(session)
        if chat.status != ChatStatus.ENDED:
            chat.status = ChatStatus.ENDED
            chat.ended_at = timezone.now()
            chat.save(update_fields=["status", "ended_at"])
            broadcast_status(chat)
        if ticket.status == TicketStatus.CLOSED:
            raise ChatEnded(_("This ticket is closed."))
        ticket.assignee = actor
        if ticket.status != TicketStatus.OPEN:
            TICKET.move(ticket, to=TicketStatus.OPEN, actor=actor, fields=["assignee"],
                        note=_("Follow-up of a live chat."))
        else:
            ticket.save(update_fields=["assignee", "updated_at"])
        Message.objects.create(ticket=ticket, kind=MessageKind.NOTE, author=actor, from_staff=True, via=CHAT,
                               body=_("The chat ended; this ticket follows it up."))
        audit.record(actor=actor, action="support.chat.follow_up", target=ticket, dealer=ticket.dealer, data={})
    return ticket


def chat_of(*, user=None, visitor_key=""):
    """The caller's chat that has not ended: a dealer user's by user, a visitor's by its key."""
    chats = ChatSession.objects.exclude(status=ChatStatus.ENDED).select_related("ticket", "agent")
    if user is not None and getattr(user, "is_authenticated", False):
        return chats.filter(user=user).order_by("-started_at", "-pk").first()
    if visitor_key:
        return chats.filter(visitor_key=visitor_key, user__isnull=True).order_by("-started_at", "-pk").first()
    return None
