"""WhatsApp (issue 16): dealers write to the company's WhatsApp Business number, staff answer on the desk.

- **Webhook** (`support.views.whatsapp`): Meta's subscription handshake (`verify_subscription`); every call signed
  with the app's secret (`check_signature`, HMAC-SHA256 of the raw body, constant time, before anything is parsed);
  the body read with a size cap and no NUL, bad UTF-8 or deep nesting (`read_payload`), then `receive`.
- **Inbound, each message taken once**: an InboundMessage row per wamid (unique (channel, external_id): a replayed
  or doubled call stores nothing new), then `process_inbound`: the sender's number (E.164) is matched to one active
  user of an approved dealer (`User.phone_e164`); nobody or two users → quarantine with the reason (staff release it,
  support.services of H2, which calls `process_inbound` again). A known user's message lands on their latest
  WhatsApp ticket not closed (the one a WhatsApp "reply" quotes first; `tickets.reply` reopens a resolved one or
  opens a follow-up after SUPPORT_REOPEN_DAYS), else opens a ticket. Photos and documents are downloaded through the
  client and checked like the portal's uploads: a refused file goes to the file quarantine and the message says so.
  Other kinds (location, sticker, voice, reaction…) are kept as a readable line of text.
- **Outbound**: a staff reply goes by WhatsApp only inside WhatsApp's customer-service window, 24 hours after the
  dealer's last WhatsApp message on the ticket (`can_reach`); outside it the reply is mailed (support.channels).
  The reply is "Sending" and a task sends it after the commit (`send_message`): its wamid and "Sent" are stored, a
  retryable failure is tried again, a final one marks it "Not delivered" and mails the reply instead. A broker outage
  at reply time loses nothing: beat sends replies still "Sending" after a minute (`send_pending`).
- **Receipts** (`apply_status`): sent → delivered → read, never backwards; "failed" only before delivery (then the
  reply is mailed). An unknown id is ignored.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import queue
from portal.actors import Actor
from portal.api_parsers import unstorable
from portal.errors import DomainError

from .. import permissions
from ..channels.whatsapp_client import WhatsAppError, client
from ..errors import BadAttachment, BadWhatsAppPayload
from ..models import (
    DeliveryStatus,
    InboundMessage,
    InboundStatus,
    Message,
    MessageKind,
    Ticket,
    TicketCategory,
    TicketSource,
    TicketStatus,
)

log = logging.getLogger(__name__)

__all__ = ["RETRY", "Received", "apply_status", "can_reach", "check_signature", "configured", "process_inbound",
           "queue_reply", "read_payload", "receive", "recipient", "send_message", "send_pending",
           "verify_subscription"]

W = TicketSource.WHATSAPP
D = DeliveryStatus
SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="
# Meta's calls are a few kilobytes; anything near this is not WhatsApp.
MAX_BODY_BYTES = 512 * 1024
MAX_DEPTH = 20
# WhatsApp's customer-service window: a free-form reply only within 24 hours of the customer's last message.
WINDOW = timedelta(hours=24)
# WhatsApp's longest text message.
MAX_TEXT = 4096
MAX_SUBJECT_WORDS = 60
# A medium that cannot be downloaded for this long is given up (the message lands without it).
MEDIA_PATIENCE = timedelta(hours=1)
# A reply still "Sending" after this long is given up and mailed.
SEND_PATIENCE = timedelta(hours=24)
RETRY = "retry"
MEDIA_KINDS = ("image", "document")

# Which receipt may replace which: never backwards; "failed" only before the dealer's phone had it.
_RECEIPT_FROM = {
    D.SENT: ("", D.PENDING),
    D.DELIVERED: ("", D.PENDING, D.SENT),
    D.READ: ("", D.PENDING, D.SENT, D.DELIVERED),
    D.FAILED: ("", D.PENDING, D.SENT),
}


def configured() -> bool:
    """The channel is on: all four settings given (docs/channels.md)."""
    return all((settings.WHATSAPP_APP_SECRET, settings.WHATSAPP_VERIFY_TOKEN, settings.WHATSAPP_ACCESS_TOKEN,
                settings.WHATSAPP_PHONE_NUMBER_ID))


# --- the webhook's checks -------------------------------------------------------------------------------------------

def verify_subscription(*, mode, token, challenge) -> str | None:
    """Meta's handshake when the webhook is subscribed: the challenge to echo, or None (403) for a wrong token."""
    if mode != "subscribe" or not settings.WHATSAPP_VERIFY_TOKEN or challenge is None:
        return None
    if not constant_time_compare(str(token or ""), settings.WHATSAPP_VERIFY_TOKEN):
        return None
    return str(challenge)[:200]


def sign(body: bytes, secret: str | None = None) -> str:
    """The X-Hub-Signature-256 value of `body`: `sha256=` + hex HMAC-SHA256 with the app's secret."""
    secret = settings.WHATSAPP_APP_SECRET if secret is None else secret
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_signature(*, body: bytes, signature: str) -> bool:
    """Whether `signature` is the app secret's HMAC of exactly these bytes (constant time)."""
    if not settings.WHATSAPP_APP_SECRET or not signature:
        return False
    return hmac.compare_digest(sign(body).encode(), str(signature).strip().encode("utf-8", "replace"))


def read_payload(body: bytes) -> dict:
    """The JSON object of a signed call, or BadWhatsAppPayload (400)."""
    if len(body) > MAX_BODY_BYTES:
        raise BadWhatsAppPayload(_("The body is too large."))
    if b"\x00" in body:
        raise BadWhatsAppPayload(_("The body contains a NUL character."))
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadWhatsAppPayload(_("The body is not JSON (UTF-8).")) from None
    if not isinstance(data, dict):
        raise BadWhatsAppPayload(_("The body must be a JSON object."))
    if unstorable(data, max_depth=MAX_DEPTH):
        raise BadWhatsAppPayload(_("The body contains a NUL character, text that is not UTF-8 or nesting too deep."))
    return data


# --- receiving ---------------------------------------------------------------------------------------------------

@dataclass
class Received:
    stored: int = 0
    duplicates: int = 0
    statuses: int = 0


def _changes(payload):
    """(messages with their senders' names, statuses) of a webhook call; anything not shaped like WhatsApp's
    `messages` field is skipped (Meta sends other fields to the same webhook)."""
    messages, statuses = [], []
    if payload.get("object") != "whatsapp_business_account":
        return messages, statuses
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value") if isinstance(change.get("value"), dict) else {}
            names = {}
            for contact in value.get("contacts") or []:
                if isinstance(contact, dict):
                    profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
                    names[str(contact.get("wa_id", ""))] = str(profile.get("name") or "")
            for message in value.get("messages") or []:
                if isinstance(message, dict):
                    messages.append((message, names))
            statuses.extend(status for status in value.get("statuses") or [] if isinstance(status, dict))
    return messages, statuses


def receive(payload: dict) -> Received:
    """Store each message of a webhook call once, apply its receipts, then handle the messages just stored (a failure
    there leaves the message "received" for beat to handle again: the call is still answered 200)."""
    result = Received()
    messages, statuses = _changes(payload)
    new = []
    for message, names in messages:
        inbound = _store(message, names)
        if inbound is None:
            result.duplicates += 1
        else:
            result.stored += 1
            new.append(inbound)
    for status in statuses:
        result.statuses += apply_status(status)
    for inbound in new:
        try:
            process_inbound(inbound)
        except Exception:  # noqa: BLE001 - stored already: beat handles it again, WhatsApp must get its 200
            log.exception("WhatsApp message %s not handled yet (beat retries)", inbound.external_id)
    return result


def _store(message, names) -> InboundMessage | None:
    """The InboundMessage of one message, None when its wamid was taken before (or has none)."""
    from dealers.phones import to_e164

    wamid = str(message.get("id") or "")[:255]
    if not wamid or InboundMessage.objects.filter(channel=W, external_id=wamid).exists():
        return None
    number = str(message.get("from") or "")[:40]
    with translation.override(settings.LANGUAGE_CODE):
        text = _text_of(message)
    inbound = InboundMessage(channel=W, external_id=wamid, sender=to_e164(number) or number,
                             sender_name=names.get(number, "")[:255], subject=_subject(text)[:255], text=text)
    inbound.raw.save("whatsapp.json", ContentFile(json.dumps(message, ensure_ascii=False, indent=1).encode()),
                     save=False)
    try:
        with transaction.atomic():
            inbound.save()
    except IntegrityError:  # the same message in another call at the same moment: that one took it
        inbound.raw.delete(save=False)
        return None
    return inbound


def _raw_message(inbound) -> dict:
    if not inbound.raw:
        return {}
    try:
        with inbound.raw.open("rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# --- what a message says -------------------------------------------------------------------------------------------

def _text_of(message) -> str:
    """The message as text: its text or caption, or a readable line for a kind the portal does not keep."""
    kind = str(message.get("type") or "")
    part = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        return str(part.get("body") or "").strip()[:20000]
    caption = str(part.get("caption") or "").strip()
    if kind == "image":
        return caption or _("[Photo]")
    if kind == "document":
        return caption or _("[Document: %(name)s]") % {"name": str(part.get("filename") or "")[:200]}
    if kind == "location":
        where = ", ".join(str(part[key]) for key in ("name", "address") if part.get(key))
        return _("[Location: %(where)s %(latitude)s, %(longitude)s]") % {
            "where": where, "latitude": part.get("latitude", "?"), "longitude": part.get("longitude", "?")}
    if kind == "sticker":
        return _("[A sticker]")
    if kind == "reaction":
        return _("[Reacted %(emoji)s to a message]") % {"emoji": str(part.get("emoji") or "")[:20]}
    if kind in ("audio", "voice"):
        return _("[A voice message or audio: the portal keeps images and PDF files only. Call back or ask for it in "
                 "writing.]")
    if kind == "video":
        return caption or _("[A video: the portal keeps images and PDF files only.]")
    if kind == "contacts":
        people = []
        for contact in message.get("contacts") or []:
            if isinstance(contact, dict):
                name = (contact.get("name") or {}).get("formatted_name", "") if isinstance(contact.get("name"),
                                                                                           dict) else ""
                phones = ", ".join(str(p.get("phone", "")) for p in contact.get("phones") or [] if isinstance(p, dict))
                people.append(f"{name} {phones}".strip())
        return _("[Contact card: %(people)s]") % {"people": "; ".join(people)[:500]}
    if kind == "button":
        return str(part.get("text") or "").strip() or _("[A button was pressed]")
    if kind == "interactive":
        for key in ("button_reply", "list_reply"):
            if isinstance(part.get(key), dict) and part[key].get("title"):
                return str(part[key]["title"]).strip()
        return _("[A button was pressed]")
    return _("[A WhatsApp message of a kind the portal cannot show (%(kind)s)]") % {"kind": kind[:40] or "?"}


def _subject(text) -> str:
    """The first words of the first line (at most MAX_SUBJECT_WORDS characters)."""
    line = next((line.strip() for line in str(text).splitlines() if line.strip()), "")
    if len(line) > MAX_SUBJECT_WORDS:
        line = line[:MAX_SUBJECT_WORDS].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
    return line or _("WhatsApp message")


# --- handling one message -------------------------------------------------------------------------------------------

def match_sender(number) -> tuple[object | None, str]:
    """The one active user of an approved dealer with this number, else (None, why)."""
    from dealers.models import User

    if not number or not str(number).startswith("+"):
        return None, _("The sender's number is not a valid phone number.")
    users = list(User.objects.filter(phone_e164=number, is_active=True, dealer__isnull=False)
                 .select_related("dealer").order_by("pk")[:2])
    if not users:
        return None, _("No active dealer user has this phone number.")
    if len(users) > 1:
        return None, _("Several dealer users have this phone number (ambiguous): set it on one of them only.")
    if not users[0].dealer.is_approved:
        return None, _("The dealer of this phone number is not approved.")
    return users[0], ""


def _ticket_for(actor, message) -> Ticket | None:
    """The ticket a known user's message lands on: the one whose staff message it quotes (a WhatsApp "reply"), else
    the user's latest WhatsApp ticket that is not closed; None → a new ticket."""
    user = actor.user
    context = message.get("context") if isinstance(message.get("context"), dict) else {}
    quoted = str(context.get("id") or "")[:255]
    if quoted:
        found = (Message.objects.filter(via=W, external_id=quoted, ticket__dealer=user.dealer)
                 .select_related("ticket").first())
        if found is not None and permissions.may_reply(actor, found.ticket):
            return found.ticket
    wrote = Message.objects.filter(author=user, via=W, from_staff=False).values("ticket")
    candidates = (Ticket.objects.filter(dealer=user.dealer, merged_into__isnull=True)
                  .exclude(status=TicketStatus.CLOSED)
                  .filter(Q(source=W, opened_by=user) | Q(pk__in=wrote))
                  .select_related("dealer").order_by("-updated_at", "-pk")[:5])
    return next((ticket for ticket in candidates if permissions.may_reply(actor, ticket)), None)


def _media_files(message, inbound, actor, *, patient) -> tuple[list, list[str]]:
    """The message's photo or document, downloaded and checked (each file alone: a refused one is kept in the file
    quarantine and named in the text); a medium WhatsApp cannot give is named too."""
    from .tickets import check_attachments

    kind = str(message.get("type") or "")
    part = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind not in MEDIA_KINDS or not part.get("id"):
        return [], []
    try:
        content, mime, filename = client().download_media(str(part["id"])[:200])
    except WhatsAppError as exc:
        if patient and exc.retryable and inbound.received_at > timezone.now() - MEDIA_PATIENCE:
            raise  # the message stays "received": beat tries again
        return [], [_("[The file could not be fetched from WhatsApp: %(reason)s]") % {"reason": exc.message}]
    name = filename or str(part.get("filename") or "") or f"whatsapp-{kind}"
    upload = SimpleUploadedFile(name[:200], content, content_type=mime or str(part.get("mime_type") or ""))
    try:
        check_attachments([upload], actor=actor)
    except BadAttachment as exc:
        return [], [f"[{exc.message}]"]
    upload.seek(0)
    return [upload], []


def process_inbound(inbound: InboundMessage, *, patient=True) -> InboundMessage:
    """Handle a stored WhatsApp message (again, after staff released it from quarantine): match its sender, thread it
    onto their ticket or open one; unknown or ambiguous senders are quarantined with the reason. Safe to run twice:
    the message's wamid is unique on Message, so it lands once. `patient`: a medium WhatsApp cannot hand over now
    raises WhatsAppError (the message stays "received" for beat); otherwise the message lands without it."""
    from . import tickets

    inbound = InboundMessage.objects.get(pk=inbound.pk)
    if inbound.message_id is not None or inbound.status in (InboundStatus.DROPPED, InboundStatus.IGNORED):
        return inbound
    existing = Message.objects.filter(via=W, external_id=inbound.external_id).first()
    if existing is not None:  # a concurrent run took it
        return _mark(inbound, message=existing, status=InboundStatus.THREADED)
    message = _raw_message(inbound)
    user, reason = match_sender(inbound.sender)
    if user is None:
        return _mark(inbound, status=InboundStatus.QUARANTINED, reason=reason)
    actor = Actor(user=user, dealer=user.dealer)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = _text_of(message) if message else inbound.text
        files, notes = _media_files(message, inbound, actor, patient=patient)
        body = "\n\n".join(part for part in (body, *notes) if part)[:tickets.MAX_BODY] or _("[Empty message]")
        subject = _subject(body)
    fields = {"external_id": inbound.external_id}
    try:
        with transaction.atomic():
            ticket = _ticket_for(actor, message)
            if ticket is not None:
                landed = tickets.reply(actor=actor, ticket=ticket, body=body, attachments=files, via=W,
                                       message_fields=fields)
                status = InboundStatus.THREADED if landed.ticket_id == ticket.pk else InboundStatus.OPENED
            else:
                opened = tickets.open_ticket(actor=actor, subject=subject, body=body, category=TicketCategory.OTHER,
                                             attachments=files, source=W, message_fields=fields)
                landed, status = opened.messages.get(), InboundStatus.OPENED
    except IntegrityError:  # another run stored the same wamid at the same moment
        existing = Message.objects.filter(via=W, external_id=inbound.external_id).first()
        if existing is None:
            raise
        return _mark(inbound, message=existing, status=InboundStatus.THREADED)
    except DomainError as exc:
        return _mark(inbound, status=InboundStatus.QUARANTINED, reason=exc.message)
    return _mark(inbound, message=landed, status=status)


def _mark(inbound, *, status, message=None, reason="") -> InboundMessage:
    inbound.status, inbound.reason = status, str(reason)[:300]
    inbound.message = message
    inbound.ticket_id = message.ticket_id if message is not None else None
    inbound.save(update_fields=["status", "reason", "message", "ticket"])
    return inbound


# --- receipts ---------------------------------------------------------------------------------------------------------

def _when(value):
    try:
        return datetime.fromtimestamp(int(str(value)), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


def _error_text(errors) -> str:
    parts = []
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, dict):
            data = error.get("error_data") if isinstance(error.get("error_data"), dict) else {}
            text = data.get("details") or error.get("message") or error.get("title") or ""
            parts.append(f"{error.get('code', '')} {text}".strip())
    return "; ".join(parts)[:300] or "WhatsApp could not deliver the message."


def apply_status(status: dict) -> int:
    """Apply one receipt to staff's message with that wamid (1 when it moved it, 0 otherwise)."""
    wamid, name = str(status.get("id") or "")[:255], status.get("status")
    if not wamid or name not in _RECEIPT_FROM:
        return 0
    error = _mailed(_error_text(status.get("errors"))) if name == D.FAILED else ""
    with transaction.atomic():
        moved = (Message.objects.filter(via=W, external_id=wamid, from_staff=True, kind=MessageKind.REPLY,
                                        delivery_status__in=_RECEIPT_FROM[name])
                 .update(delivery_status=name, delivery_status_at=_when(status.get("timestamp")),
                         delivery_error=error))
        if moved and name == D.FAILED:
            message = Message.objects.select_related("ticket").get(via=W, external_id=wamid)
            _mail_instead(message)
    return moved


# --- sending ---------------------------------------------------------------------------------------------------------

def _last_whatsapp_message(ticket) -> Message | None:
    return (Message.objects.filter(ticket=ticket, from_staff=False, via=W, kind=MessageKind.REPLY)
            .select_related("author").order_by("-created_at", "-pk").first())


def recipient(ticket) -> str:
    """The number staff's reply goes to: the one the dealer user last wrote from on this ticket ("" when none)."""
    last = _last_whatsapp_message(ticket)
    if last is None or last.author is None or not last.author.is_active:
        return ""
    number = InboundMessage.objects.filter(channel=W, message=last).values_list("sender", flat=True).first()
    return number if number and number.startswith("+") else last.author.phone_e164


def can_reach(ticket) -> bool:
    """A reply may go by WhatsApp: the channel is on and the dealer user wrote by WhatsApp on this ticket within the
    last 24 hours (WhatsApp's customer-service window; outside it the reply is mailed)."""
    if not configured():
        return False
    last = _last_whatsapp_message(ticket)
    return bool(last is not None and last.created_at >= timezone.now() - WINDOW and recipient(ticket))


def queue_reply(*, ticket, message) -> None:
    """Inside staff's reply transaction: the reply is "Sending", its task goes out on the commit (a dead broker
    loses nothing: beat sends it, `send_pending`)."""
    from ..tasks import send_whatsapp_task

    if message.kind != MessageKind.REPLY:
        raise ValueError("Only a public reply goes to the dealer.")
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(delivery_status=D.PENDING, delivery_status_at=now, delivery_error="")
    message.delivery_status, message.delivery_status_at = D.PENDING, now
    queue.enqueue_on_commit(send_whatsapp_task, message.pk)


def _outgoing_text(message) -> str:
    """The reply as WhatsApp text in the dealer's language: its text, then where its files and article are."""
    from .desk import dealer_language
    from .tickets import ticket_url

    ticket = message.ticket
    language = dealer_language(ticket)
    url = ticket_url(ticket)
    extras = []
    with translation.override(language):
        files = message.attachments.count()
        if files:
            extras.append(ngettext("%(count)d file is on the portal: %(url)s",
                                   "%(count)d files are on the portal: %(url)s", files) % {"count": files, "url": url})
        if message.article_id:
            from django.urls import reverse

            extras.append(f"{message.article.title(language)}: "
                          f"{settings.SITE_URL}{reverse('support:faq_article', args=[message.article.slug])}")
        tail = "\n\n".join(extras)
        text = "\n\n".join(part for part in (message.body.strip(), tail) if part)
        if len(text) > MAX_TEXT:
            more = _("The whole reply: %(url)s") % {"url": url}
            text = message.body.strip()[:MAX_TEXT - len(more) - 3].rstrip() + "…\n\n" + more
    return text


def _mailed(error) -> str:
    """The delivery error shown on the desk, saying the reply went by mail instead."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{error} {_('The reply was mailed instead.')}"[:300]


def _mail_instead(message) -> None:
    """A reply WhatsApp could not deliver is mailed (inside the caller's transaction, through the outbox)."""
    from .desk import notify_dealer_of_reply

    notify_dealer_of_reply(ticket=message.ticket, message=message)


def _failed(message, error) -> str:
    message.delivery_status, message.delivery_status_at = D.FAILED, timezone.now()
    message.delivery_error = _mailed(error)
    message.save(update_fields=["delivery_status", "delivery_status_at", "delivery_error"])
    _mail_instead(message)
    return D.FAILED


def send_message(*, message_id, final=True) -> str:
    """Send staff's reply by WhatsApp (the task). Only a reply still "Sending" is sent, under its row lock, so two
    runs send it once. Returns "sent", "failed", RETRY (a retryable failure, not `final`: still "Sending") or ""
    (nothing to do)."""
    with transaction.atomic():
        message = (Message.objects.select_for_update(of=("self",), skip_locked=True)
                   .select_related("ticket", "article").filter(pk=message_id).first())
        if (message is None or message.delivery_status != D.PENDING or message.kind != MessageKind.REPLY
                or not message.from_staff or message.via != W):
            return ""
        to = recipient(message.ticket)
        if not to:
            return _failed(message, _("The dealer user has no WhatsApp number any more."))
        if message.created_at < timezone.now() - SEND_PATIENCE:
            return _failed(message, _("Not sent within a day."))
        try:
            wamid = client().send_text(to, _outgoing_text(message))
        except WhatsAppError as exc:
            if exc.retryable and not final:
                Message.objects.filter(pk=message.pk).update(delivery_error=exc.message[:300])
                return RETRY
            return _failed(message, exc.message)
        message.external_id, message.delivery_status = str(wamid)[:255], D.SENT
        message.delivery_status_at, message.delivery_error = timezone.now(), ""
        message.save(update_fields=["external_id", "delivery_status", "delivery_status_at", "delivery_error"])
    return D.SENT


def send_pending(*, older_than_seconds=60) -> dict:
    """Beat: enqueue replies still "Sending" after `older_than_seconds`, and handle dealers' messages stored but not
    handled (their call crashed mid-way) after as long."""
    from ..tasks import send_whatsapp_task

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(Message.objects.filter(via=W, delivery_status=D.PENDING, created_at__lt=cutoff)
               .order_by("pk").values_list("pk", flat=True)[:500])
    resent = sum(1 for pk in ids if queue.enqueue(send_whatsapp_task, pk))
    handled = 0
    for inbound in InboundMessage.objects.filter(channel=W, status=InboundStatus.RECEIVED, message__isnull=True,
                                                 received_at__lt=cutoff).order_by("pk")[:100]:
        try:
            process_inbound(inbound)
            handled += 1
        except Exception:  # noqa: BLE001 - one message's trouble must not stop the others
            log.exception("WhatsApp message %s still not handled", inbound.external_id)
    return {"resent": resent, "handled": handled}
