"""Mail intake (issue 16): one received mail becomes a dealer's message on a ticket, a new ticket, a staff reply, or
an inbound message held in quarantine (an unknown sender) or ignored (an auto-reply, a loop) — exactly once.

`take(raw, mailbox=, uidvalidity=, uid=)` is what the IMAP poller (support.services.mail_poll) calls for every mail:

- **Once.** The InboundMessage row (channel mail, the mailbox's UID under its UIDVALIDITY, external_id = the
  Message-ID) is inserted first, in a savepoint: its unique constraints clash when the same UID or the same
  Message-ID was taken before (or is being taken right now by another worker: the insert waits for that commit)
  and `take` returns None. Everything the mail causes (the row, the ticket or message, its files, the status)
  commits in one transaction. The raw message is kept (`InboundMessage.raw`, staff only: `support:inbound_raw`).
- **Never raises for bad input.** Headers, charsets, parts and NUL bytes are read defensively; a mail that cannot
  be read is quarantined with the reason.
- **Ignored:** auto-replies and bulk mail (`Auto-Submitted` other than "no", `X-Autoreply`, `X-Autorespond`,
  `X-Auto-Response-Suppress` All/AutoReply/OOF, `Precedence` bulk/list/junk/auto_reply, `List-Id`,
  `List-Unsubscribe`), bounces (`Return-Path: <>`, MAILER-DAEMON, delivery reports), and loops: a mail whose
  Message-ID is one of ours (the outbox's, a staff message's) or sent from one of our own addresses.
- **Threading**, in this order: `In-Reply-To`, then `References`, against the Message-IDs stored on messages (and
  the outbox's own ids of ticket mails); then the signed reply address in To/Cc/Delivered-To; then a ticket number
  in the subject. A reply address or a subject number only counts when the sender may see that ticket.
- **Who.** The From address (never Sender or Reply-To) must be an active user of an approved dealer who may write
  to the ticket (`permissions.may_reply`), or a support agent (whose mail is a staff reply to the ticket it answers,
  `desk.staff_reply`). Anyone else is quarantined. Nobody in Cc is ever added to anything.
- **Text.** text/plain, else the HTML part sanitised and turned into text; quoted history and signatures are cut
  from the shown `body` (the whole text is the message's `full_body`).
- **Files.** Attachments and inline images go through the web form's content check one by one: a refused file is
  kept in the files' quarantine and named under the message; the mail itself still lands.
"""
from __future__ import annotations

import html as html_lib
import logging
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

import nh3
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.errors import Busy, DomainError

from .. import permissions
from ..errors import BadAttachment, MailHeld
from ..models import InboundMessage, InboundStatus, Message, MessageKind, Ticket, TicketCategory, TicketSource

__all__ = ["MAX_RAW_BYTES", "ParsedMail", "attachments_of", "html_to_text", "is_own_message_id", "parse", "process",
           "shown_text", "take", "texts_of"]

log = logging.getLogger(__name__)

MAX_RAW_BYTES = 40 * 1024 * 1024  # a bigger mail is kept but not read (quarantined)
MAX_BODY = 20000
MAX_FULL_BODY = 500_000
MAX_HEADER = 2000
MAX_PARTS = 200

# Ticket numbers as portal.numbering writes them: TCK-2026-000123.
_TICKET_NUMBER = re.compile(r"\bTCK-\d{4}-\d{3,}\b", re.I)
_MSGID = re.compile(r"<[^<>\s]{1,250}>")
_OUTBOX_ID = re.compile(r"^<outbox-(\d+)-\d+-\d+@([^>]+)>$")
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|ynt|ilt|İlt|odp|отг|отн|fw|答复|回复|转发|tr|trả lời)"
                             r"\s*(?:\[\d+\])?\s*[:：]\s*)+", re.I)


# --- reading the mail --------------------------------------------------------------------------------------------------

def _clean(text, limit=None) -> str:
    text = str(text or "").replace("\x00", "")
    return text[:limit] if limit else text


def _one_line(text, limit=MAX_HEADER) -> str:
    return " ".join(_clean(text, limit * 4).split())[:limit]


def _header(msg, name) -> str:
    """A header's decoded value, "" when missing or unreadable (never raises)."""
    try:
        value = msg.get(name)
        return _one_line(value) if value is not None else ""
    except Exception:  # noqa: BLE001 - a broken header reads as its raw text
        try:
            for key, value in msg.raw_items():
                if key.lower() == name.lower():
                    return _one_line(value)
        except Exception:  # noqa: BLE001
            pass
    return ""


def _headers(msg, name) -> list[str]:
    try:
        return [_one_line(v) for v in (msg.get_all(name) or [])]
    except Exception:  # noqa: BLE001
        value = _header(msg, name)
        return [value] if value else []


def _addresses(values) -> list[tuple[str, str]]:
    try:
        pairs = getaddresses([v for v in values if v])
    except Exception:  # noqa: BLE001
        pairs = [("", a) for v in values for a in re.findall(r"[^\s<>,;\"]+@[^\s<>,;\"]+", v or "")]
    return [(_one_line(n, 255), _one_line(a, 255).lower()) for n, a in pairs if a and "@" in a]


def _decode_part(part) -> str:
    try:
        return _clean(part.get_content())
    except Exception:  # noqa: BLE001 - an unknown charset or a broken transfer encoding: decode it ourselves
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception:  # noqa: BLE001
            return ""
        if isinstance(payload, str):
            return _clean(payload)
        charset = "utf-8"
        try:
            charset = part.get_content_charset() or "utf-8"
            "".encode(charset)
        except (LookupError, Exception):  # noqa: BLE001
            charset = "utf-8"
        return _clean(payload.decode(charset, errors="replace"))


_BLOCK_TAGS = re.compile(r"<\s*/?\s*(br|p|div|tr|li|h[1-6]|blockquote|hr|table|ul|ol)\b[^>]*>", re.I)
_DROP_TAGS = re.compile(r"<\s*(script|style|head|title)\b.*?<\s*/\s*\1\s*>", re.I | re.S)


def html_to_text(markup: str) -> str:
    """The text of an HTML mail: sanitised by nh3 (no tag survives), line breaks where blocks were."""
    markup = _DROP_TAGS.sub(" ", markup or "")
    markup = _BLOCK_TAGS.sub("\n", markup)
    text = html_lib.unescape(nh3.clean(markup, tags=set()))
    lines = [" ".join(line.split()) for line in text.replace("\r", "").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- quoted history and signatures ---------------------------------------------------------------------------------

_WROTE = [
    re.compile(r"^\s*On\b.{0,300}\bwrote\s*:\s*$", re.I | re.S),                 # Gmail, Apple Mail, Thunderbird
    re.compile(r"tarihinde.{0,300}yazdı\s*:\s*$", re.I | re.S),                   # Turkish Gmail
    re.compile(r"^\s*На\b.{0,300}\bнаписа\s*:\s*$", re.I | re.S),                  # Bulgarian
    re.compile(r"^\s*Vào\b.{0,300}đã viết\s*:\s*$", re.I | re.S),                  # Vietnamese
    re.compile(r"(于|於).{0,200}写道\s*[:：]\s*$", re.S),                           # Chinese
    re.compile(r"^\s*Am\b.{0,300}\bschrieb\b.{0,100}:\s*$", re.I | re.S),         # German
]
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(Original Message|Orijinal İleti|Özgün İleti|Оригинално съобщение|Thư gốc|"
                       r"原始邮件|Ursprüngliche Nachricht|Forwarded message|İletilen ileti)\s*-{2,}", re.I)
_FROM_LINE = re.compile(r"^\s*\*?(From|Kimden|От|Từ|发件人|Von)\s*\*?\s*[:：]", re.I)
_SENT_LINE = re.compile(r"^\s*\*?(Sent|Date|Gönderildi|Gönderim|Tarih|Изпратено|Дата|Đã gửi|Ngày|发送时间|时间|"
                        r"Gesendet)\s*\*?\s*[:：]", re.I)
_SIGNATURE = re.compile(r"^\s*(--|Sent from my \S.*|Get Outlook for \S.*|iPhone'umdan gönderildi|"
                        r"Изпратено от моя \S.*|Gửi từ \S.* của tôi|从我的\S+发送|发自我的\S+)\s*$", re.I)


def shown_text(text: str) -> str:
    """`text` without quoted history ("On … wrote:" and its translations, Outlook's "Original Message" and
    "From: … Sent: …" blocks, lines starting with ">") and without the signature ("-- ", "Sent from my iPhone");
    the whole text when that leaves nothing."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = []
    for index, line in enumerate(lines):
        joined = line + " " + (lines[index + 1] if index + 1 < len(lines) else "")
        if any(p.search(line) for p in _WROTE) or (any(p.search(joined) for p in _WROTE)
                                                    and not any(p.search(lines[index + 1]) for p in _WROTE)):
            break
        if _ORIGINAL.search(line) or _SIGNATURE.match(line):
            break
        if _FROM_LINE.match(line) and any(_SENT_LINE.match(n) for n in lines[index + 1:index + 4]):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    while kept and (not kept[-1].strip() or set(kept[-1].strip()) <= set("_-=")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or (text or "").strip()


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    marker = "\n\n[" + _("The text was shortened; the whole mail is kept.") + "]"
    return text[:limit - len(marker)].rstrip() + marker


# --- the parsed mail -----------------------------------------------------------------------------------------------

@dataclass
class ParsedMail:
    message_id: str = ""
    in_reply_to: list = field(default_factory=list)
    references: list = field(default_factory=list)
    sender: str = ""
    sender_name: str = ""
    recipients: list = field(default_factory=list)  # To, Cc, Delivered-To, X-Original-To addresses
    subject: str = ""
    text: str = ""  # the whole text
    attachments: list = field(default_factory=list)  # (filename, content_type, bytes)
    loop_reason: str = ""
    error: str = ""


def _loop_reason(msg, sender: str) -> str:
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and not auto.startswith("no"):
        return _("an automatic mail (Auto-Submitted: %(value)s)") % {"value": auto[:50]}
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if _header(msg, name):
            return _("an automatic reply (%(header)s)") % {"header": name}
    suppress = {v.strip().lower() for v in _header(msg, "X-Auto-Response-Suppress").split(",")}
    if suppress & {"all", "autoreply", "oof"}:
        return _("an automatic reply (%(header)s)") % {"header": "X-Auto-Response-Suppress"}
    precedence = _header(msg, "Precedence").lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return _("bulk or list mail (Precedence: %(value)s)") % {"value": precedence}
    for name in ("List-Id", "List-Unsubscribe"):
        if _header(msg, name):
            return _("a mailing list's mail (%(header)s)") % {"header": name}
    return_path = _header(msg, "Return-Path")
    local = sender.partition("@")[0]
    try:
        report = msg.get_content_type() == "multipart/report"
    except Exception:  # noqa: BLE001
        report = False
    if return_path.replace(" ", "") == "<>" or local in ("mailer-daemon", "postmaster") or report:
        return _("a delivery failure report (bounce)")
    return ""


def is_own_message_id(message_id: str) -> bool:
    """Is this Message-ID one of ours (a mail the outbox sent, a staff message's)?"""
    if not message_id:
        return False
    from urllib.parse import urlparse

    match = _OUTBOX_ID.match(message_id)
    domain = urlparse(settings.SITE_URL).hostname or "portal.invalid"
    if match and match.group(2).lower() == domain.lower():
        return True
    return Message.objects.filter(message_id=message_id, from_staff=True).exists()


def _own_addresses() -> set[str]:
    own = set()
    for value in (settings.DEFAULT_FROM_EMAIL, getattr(settings, "SERVER_EMAIL", "")):
        address = parseaddr(value or "")[1].lower()
        if address:
            own.add(address)
    from .mail_poll import BadMailboxURL, parse_mailbox

    for url in getattr(settings, "SUPPORT_MAILBOXES", None) or ():  # a mailbox's log-in is often its address
        try:
            user = parse_mailbox(str(url)).user.lower()
        except (BadMailboxURL, ValueError):
            continue
        if "@" in user:
            own.add(user)
    return own


def _is_own_address(address: str) -> bool:
    from .tickets import reply_domain

    if address in _own_addresses():
        return True
    local, _at, domain = address.rpartition("@")
    return domain == reply_domain().lower() and local.startswith("support")


def parse(raw: bytes) -> ParsedMail:
    """Read a mail's headers, text and files; never raises (`error` says what could not be read)."""
    mail = ParsedMail()
    if len(raw) > MAX_RAW_BYTES:
        mail.error = _("the mail is larger than %(n)s MB") % {"n": MAX_RAW_BYTES // (1024 * 1024)}
        return mail
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # noqa: BLE001
        mail.error = _("the mail could not be read (%(error)s)") % {"error": type(exc).__name__}
        return mail
    mail.message_id = (_MSGID.findall(_header(msg, "Message-ID")) or [""])[0][:255]
    mail.in_reply_to = _MSGID.findall(_header(msg, "In-Reply-To"))[:20]
    mail.references = list(reversed(_MSGID.findall(" ".join(_headers(msg, "References")))))[:50]
    sender = _addresses(_headers(msg, "From"))
    if sender:
        mail.sender_name, mail.sender = sender[0]
    mail.recipients = [a for _n, a in _addresses(
        _headers(msg, "To") + _headers(msg, "Cc") + _headers(msg, "Delivered-To") + _headers(msg, "X-Original-To"))]
    mail.subject = _one_line(_header(msg, "Subject"), 255)
    mail.loop_reason = _loop_reason(msg, mail.sender)
    plain, html = None, None
    try:
        parts = list(msg.walk())[:MAX_PARTS]
    except Exception:  # noqa: BLE001
        parts = [msg]
    for part in parts:
        try:
            if part.is_multipart():
                continue
            content_type = part.get_content_type()
            disposition = part.get_content_disposition()
            try:
                filename = part.get_filename()
            except Exception:  # noqa: BLE001
                filename = None
            if content_type in ("text/plain", "text/html") and disposition != "attachment" and not filename:
                if content_type == "text/plain" and plain is None:
                    plain = _decode_part(part)
                elif content_type == "text/html" and html is None:
                    html = _decode_part(part)
                continue
            if content_type.startswith("message/") or content_type == "text/rfc822-headers":
                continue
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes) or not payload:
                continue
            name = _one_line(filename or "", 200) or "attachment." + (content_type.rpartition("/")[2] or "bin")[:10]
            mail.attachments.append((name, content_type, payload))
        except Exception:  # noqa: BLE001 - one broken part does not lose the others
            log.info("mail intake: a part of %s could not be read", mail.message_id, exc_info=True)
    if plain is not None and plain.strip():
        text = plain
    elif html:
        text = html_to_text(html)
    else:
        text = plain or ""
    mail.text = text.replace("\r\n", "\n").replace("\r", "\n").strip()[:MAX_FULL_BODY]
    return mail


# --- taking a mail ---------------------------------------------------------------------------------------------------

def take(raw: bytes, *, mailbox: str, uidvalidity: int | None, uid: int | None,
         category: str = "") -> InboundMessage | None:
    """Take one received mail (module doc): the InboundMessage it became, or None when it was taken before."""
    raw = bytes(raw or b"")
    mail = parse(raw)
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = InboundMessage.objects.create(
                    channel=TicketSource.MAIL, mailbox=_one_line(mailbox, 100), uidvalidity=uidvalidity, uid=uid,
                    external_id=mail.message_id, sender=mail.sender[:255], sender_name=mail.sender_name[:255],
                    subject=mail.subject[:255], text=mail.text)
        except IntegrityError:
            return None
        inbound.raw.save(f"{inbound.pk}.eml", ContentFile(raw), save=False)
        InboundMessage.objects.filter(pk=inbound.pk).update(raw=inbound.raw.name)
        _handle(inbound, mail, category=category)
    return inbound


def process(inbound, *, category: str = "") -> InboundMessage:
    """Read the stored raw mail of `inbound` again and thread it or open a ticket (quarantine's "release as a new
    contact", after the contact exists). Inside the caller's transaction; the caller holds the row's lock."""
    try:
        with inbound.raw.open("rb") as handle:
            raw = handle.read()
    except Exception:  # noqa: BLE001
        raw = b""
    mail = parse(raw)
    mail.loop_reason = ""  # staff decided to take it
    _handle(inbound, mail, category=category, loops=False)
    return inbound


def _finish(inbound, *, status, reason="", ticket=None, message=None) -> None:
    inbound.status = status
    inbound.reason = _one_line(reason, 300)
    inbound.ticket = ticket
    inbound.message = message
    inbound.save(update_fields=["status", "reason", "ticket", "message"])


def _handle(inbound, mail: ParsedMail, *, category="", loops=True) -> None:
    if mail.error:
        return _finish(inbound, status=InboundStatus.QUARANTINED, reason=mail.error)
    if loops:
        reason = mail.loop_reason
        if not reason and is_own_message_id(mail.message_id):
            reason = _("a mail we sent ourselves (our own Message-ID)")
        if not reason and mail.sender and _is_own_address(mail.sender):
            reason = _("a mail from our own address")
        if reason:
            return _finish(inbound, status=InboundStatus.IGNORED, reason=reason)
    if not mail.sender:
        return _finish(inbound, status=InboundStatus.QUARANTINED, reason=_("the mail has no sender address"))
    try:
        with transaction.atomic():
            _deliver(inbound, mail, category=category)
    except Busy:
        raise
    except DomainError as exc:
        _finish(inbound, status=InboundStatus.QUARANTINED, reason=str(exc.message))
    except Exception:  # noqa: BLE001 - never lose a mail to a bug: staff see it in quarantine
        log.exception("mail intake: %s could not be processed", inbound.pk)
        _finish(inbound, status=InboundStatus.QUARANTINED, reason=_("the mail could not be processed"))


def _sender_user(address):
    from dealers.models import User

    return User.objects.filter(email__iexact=address).select_related("dealer").first()


def _thread_by_ids(ids) -> Ticket | None:
    from portal.models import Notification

    for message_id in ids:
        message = (Message.objects.filter(message_id=message_id).exclude(kind=MessageKind.NOTE)
                   .select_related("ticket").order_by("pk").first())
        if message is not None:
            return message.ticket
        match = _OUTBOX_ID.match(message_id)
        if match:
            row = Notification.objects.filter(pk=int(match.group(1)), template__startswith="support/").first()
            number = (row.context or {}).get("number") if row is not None else None
            ticket = Ticket.objects.filter(number=str(number)).first() if number else None
            if ticket is not None:
                return ticket
    return None


def _thread(mail, *, may_see) -> tuple[Ticket | None, str]:
    """The ticket the mail answers and how it was found; raises MailHeld for a reply address the sender may not use."""
    from .tickets import ticket_from_reply_address

    ticket = _thread_by_ids(mail.in_reply_to) or _thread_by_ids(mail.references)
    if ticket is not None:
        return ticket, "message-id"
    for address in mail.recipients:
        ticket = ticket_from_reply_address(address)
        if ticket is not None:
            if not may_see(ticket):
                raise MailHeld(_("the sender may not write to ticket %(number)s") % {"number": ticket.number})
            return ticket, "address"
    for number in _TICKET_NUMBER.findall(mail.subject):
        ticket = Ticket.objects.filter(number__iexact=number).first()
        if ticket is not None and may_see(ticket):
            return ticket, "subject"
    return None, ""


def attachments_of(mail, *, actor, ticket) -> tuple[list, list[str]]:
    """The mail's files that pass the content check (a refused one is kept in the files' quarantine), and a line
    for each one refused."""
    from .tickets import MAX_ATTACHMENTS, check_attachments

    taken, refused = [], []
    for index, (name, content_type, payload) in enumerate(mail.attachments):
        if index >= MAX_ATTACHMENTS:
            refused.append(_("“%(name)s” was not taken: at most %(n)s files are taken from a mail.")
                           % {"name": name, "n": MAX_ATTACHMENTS})
            continue
        upload = SimpleUploadedFile(name, payload, content_type=content_type)
        try:
            check_attachments([upload], actor=actor, ticket=ticket)
        except BadAttachment as exc:
            refused.append(_("“%(name)s” was not taken: %(reason)s") % {"name": name, "reason": exc.message})
            continue
        upload.seek(0)
        taken.append(upload)
    return taken, refused


def texts_of(mail, refused) -> tuple[str, str]:
    """The message's shown `body` (quotes and signature cut, the refused files named, shortened to 20000
    characters) and its `full_body` ("" when the same)."""
    full = mail.text
    body = shown_text(full) or _("(The mail had no text.)")
    if refused:
        body = body + "\n\n" + "\n".join(f"[{line}]" for line in refused)
    body = _shorten(body, MAX_BODY)
    return body, full if full != body else ""


def _deliver(inbound, mail, *, category) -> None:
    """Inside a savepoint: thread the mail or open a ticket, as the sender; MailHeld (or any refusal) quarantines."""
    from portal.actors import Actor

    from . import desk, tickets

    user = _sender_user(mail.sender)
    if user is None:
        raise MailHeld(_("unknown sender %(address)s") % {"address": mail.sender})
    if not user.is_active:
        raise MailHeld(_("the sender's account %(address)s is not active") % {"address": mail.sender})
    if permissions.is_support_agent(user):
        ticket, _how = _thread(mail, may_see=lambda t: True)
        if ticket is None:
            raise MailHeld(_("a support agent's mail that answers no ticket"))
        if ticket.merged_into_id:
            ticket = ticket.merged_into
        files, refused = attachments_of(mail, actor=user, ticket=ticket)
        body, _full = texts_of(mail, refused)
        message = desk.staff_reply(actor=user, ticket=ticket, body=body, attachments=files)
        return _finish(inbound, status=InboundStatus.THREADED, ticket=ticket, message=message)
    if user.dealer_id is None:
        raise MailHeld(_("%(address)s is not a user of a dealer") % {"address": mail.sender})
    if not user.dealer.is_approved:
        raise MailHeld(_("the sender's dealer is not approved"))
    actor = Actor(user=user, dealer=user.dealer)
    ticket, _how = _thread(mail, may_see=lambda t: permissions.may_reply(actor, t))
    if ticket is not None:
        target = ticket.merged_into if ticket.merged_into_id else ticket
        if not permissions.may_reply(actor, target):
            raise MailHeld(_("the sender may not write to ticket %(number)s") % {"number": target.number})
        files, refused = attachments_of(mail, actor=actor, ticket=target)
        body, full = texts_of(mail, refused)
        message = tickets.reply(actor=actor, ticket=target, body=body, attachments=files, via=TicketSource.MAIL,
                                message_fields={"message_id": mail.message_id, "full_body": full})
        status = InboundStatus.THREADED if message.ticket_id == target.pk else InboundStatus.OPENED
        return _finish(inbound, status=status, ticket=message.ticket, message=message)
    if not permissions.may_open_ticket(actor):
        raise MailHeld(_("the sender may not open tickets"))
    files, refused = attachments_of(mail, actor=actor, ticket=None)
    body, full = texts_of(mail, refused)
    subject = _SUBJECT_PREFIX.sub("", mail.subject).strip() or _first_line(body) or _("(no subject)")
    category = category if category in TicketCategory.values else TicketCategory.OTHER
    ticket = tickets.open_ticket(actor=actor, source=TicketSource.MAIL, category=category, subject=subject[:200],
                                 body=body, attachments=files,
                                 message_fields={"message_id": mail.message_id, "full_body": full})
    _finish(inbound, status=InboundStatus.OPENED, ticket=ticket, message=ticket.messages.order_by("pk").first())


def _first_line(text) -> str:
    for line in (text or "").split("\n"):
        if line.strip():
            return line.strip()[:100]
    return ""
