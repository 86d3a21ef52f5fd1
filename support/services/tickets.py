"""The dealer's side of a ticket (issue 15 §1 and §4): opening one (by hand, from "Report a problem", from a
delivery report with problems, from a failed delivery's tracking event), replying, closing; attachments checked by
their content; the mails, each with its stored Message-ID and a signed reply address that threads the answer.

- **Opening.** `open_ticket` numbers the ticket (TCK-2026-000123, `portal.numbering`), routes it to the team whose
  `categories` hold its category, takes the dealer's urgency as its first priority (staff change it on the desk),
  writes its first message and files, computes its SLA due times (`clocks.recompute_due`) and mails the team.
  Links (order, line, shipment, invoice) are looked up among the actor's own dealer's: another dealer's is refused
  exactly like a number that does not exist.
- **Replying.** A dealer reply to a ticket waiting on the dealer opens it again (its clocks resume: the clocks'
  TICKET.moved listener); to a resolved ticket within `SUPPORT_REOPEN_DAYS` it reopens it; to a closed ticket, or a
  resolved one older than that, it opens a new ticket that `follows` the old one. A reply to a merged duplicate
  goes to the ticket it was merged into.
- **Attachments.** Images (JPEG, PNG, WebP, GIF) and PDF by their bytes (never their name), at most 10 MB each;
  anything else (an HTML page, an SVG, a program) is refused with a sentence that names it and kept in the
  quarantine for staff (its own transaction: the refusal does not roll it back).
- **Mails.** Every ticket mail is an outbox row in its reader's language, whose Reply-To is
  `support+<ticket>-<signature>@<SUPPORT_REPLY_DOMAIN>` (`reply_address`, verified by `ticket_from_reply_address`);
  the Message-ID of the mail that carried a message is stored on the message (`Message.message_id`), so mail intake
  can thread a reply by its In-Reply-To or by its address. An internal note never produces a mail.

Locks: the ticket row (`portal.locks.ticket`) after the order and shipment a listener holds, then the TCK counter.
"""
from __future__ import annotations

import re
from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import urlparse

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from portal import audit, locks, numbering, outbox, uploads
from portal.lifecycle import acting_user

from .. import permissions
from ..errors import BadAttachment, BadTicket, BadTicketLink, TicketNotAllowed, TicketNotClosable
from ..models import (
    TICKET,
    Attachment,
    Message,
    MessageKind,
    Priority,
    Quarantine,
    Team,
    Ticket,
    TicketCategory,
    TicketSource,
    TicketStatus,
)

__all__ = ["ATTACHMENT_TYPES", "MAX_ATTACHMENT_BYTES", "MAX_ATTACHMENTS", "check_attachments", "close_ticket",
           "mail_ticket", "open_ticket", "open_ticket_for_survey_answer", "reply", "reply_address", "save_attachments", "team_for",
           "ticket_from_reply_address"]

S = TicketStatus
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp", "image/gif"}
MAX_SUBJECT = 200
MAX_BODY = 20000
# What the content check names when it refuses a file (the head of its bytes).
_HTML = re.compile(rb"<\s*(!doctype\s+html|html|head|body|script|iframe|meta|a\s|div|p\b)", re.I)
_SVG = re.compile(rb"<\s*svg", re.I)
_PROGRAMS = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")


# --- attachments ---------------------------------------------------------------------------------------------------

def _why_refused(upload) -> str:
    """A sentence saying why a file is not taken, "" when it is an image or a PDF of at most 10 MB."""
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        return _("it is larger than 10 MB")
    if uploads.detect(upload, allowed=ATTACHMENT_TYPES) is not None:
        return ""
    upload.seek(0)
    head = upload.read(uploads.HEAD_BYTES)
    upload.seek(0)
    if head.startswith(_PROGRAMS):
        return _("it is a program")
    if _SVG.search(head):
        return _("it is an SVG drawing, which can carry a script")
    if _HTML.search(head):
        return _("it is a web page (HTML)")
    return _("it is neither an image nor a PDF")


def check_attachments(files, *, actor=None, ticket=None) -> list:
    """The files, each an image or a PDF of at most 10 MB told by its content, at most ten. A file refused is kept
    in the quarantine (with why, in its own transaction) and the whole upload is refused (BadAttachment, 400)."""
    files = [f for f in (files or ()) if f]
    if len(files) > MAX_ATTACHMENTS:
        raise BadAttachment(_("Attach at most %(n)s files.") % {"n": MAX_ATTACHMENTS}, field="attachments")
    for upload in files:
        why = _why_refused(upload)
        if why:
            _quarantine(upload, reason=why, actor=actor, ticket=ticket)
            raise BadAttachment(
                _("“%(name)s” was refused: %(reason)s. Attach images (JPEG, PNG, WebP, GIF) or PDF files of at most "
                  "10 MB.") % {"name": uploads.safe_filename(upload.name, "x")[:-2], "reason": why},
                field="attachments")
    return files


def _quarantine(upload, *, reason, actor, ticket) -> None:
    """Keep a refused file apart for staff (never served to a dealer), committed even though the upload fails."""
    user, _on_behalf = acting_user(actor)
    name = str(getattr(upload, "name", "") or "file")[:255]
    with transaction.atomic():  # a savepoint inside a caller's transaction; its own transaction otherwise
        row = Quarantine(ticket=ticket if getattr(ticket, "pk", None) else None, uploaded_by=user, filename=name,
                         reason=str(reason)[:300])
        if (upload.size or 0) <= MAX_ATTACHMENT_BYTES:
            upload.seek(0)
            row.file.save("quarantined.bin", ContentFile(upload.read()), save=False)  # never an extension to run
        row.save()


def save_attachments(*, message, files, actor=None) -> list[Attachment]:
    """Check the files (check_attachments) and store them on `message`, each under the extension of its detected
    type; the name shown is the uploader's, made safe."""
    rows = []
    for upload in check_attachments(files, actor=actor, ticket=message.ticket):
        detected = uploads.detect(upload, allowed=ATTACHMENT_TYPES)
        original = str(upload.name or "file")
        size = upload.size
        row = Attachment(message=message, filename=uploads.safe_filename(original, detected.extension)[:255],
                         content_type=detected.mime, size=size)
        upload.seek(0)
        row.file.save(uploads.stored_name(detected.mime), upload, save=False)
        row.save()
        rows.append(row)
    return rows


# --- reply addresses and mails -----------------------------------------------------------------------------------

_REPLY_SALT = "support.ticket.reply-address"
_REPLY_LOCAL = re.compile(r"^support\+t(\d+)-([0-9a-f]{20})$", re.I)


def _signature(pk) -> str:
    # Hex, not base64: a mail server may change the case of an address's local part.
    return salted_hmac(_REPLY_SALT, str(pk), algorithm="sha256").hexdigest()[:20]


def reply_domain() -> str:
    return settings.SUPPORT_REPLY_DOMAIN or urlparse(settings.SITE_URL).hostname or "portal.invalid"


def reply_address(ticket) -> str:
    """The Reply-To of the ticket's mails: `support+t<id>-<signature>@<domain>`, signed with the SECRET_KEY."""
    return f"support+t{ticket.pk}-{_signature(ticket.pk)}@{reply_domain()}"


def ticket_from_reply_address(address) -> Ticket | None:
    """The ticket of a reply address (also "Name <address>"), None for anything unsigned, forged or unknown."""
    _name, email = parseaddr(str(address or ""))
    local, _at, _domain = email.rpartition("@")
    match = _REPLY_LOCAL.match(local or "")
    if match is None or not constant_time_compare(_signature(int(match.group(1))), match.group(2).lower()):
        return None
    return Ticket.objects.filter(pk=int(match.group(1))).first()


def ticket_url(ticket, *, staff=False) -> str:
    name = "support:desk_ticket" if staff else "support:ticket"
    try:
        return settings.SITE_URL + reverse(name, args=[ticket.number])
    except NoReverseMatch:
        return settings.SITE_URL + (f"/admin/support/ticket/{ticket.pk}/change/" if staff else "/support/")


def mail_ticket(*, ticket, to, template, context=None, message=None, language=None):
    """One ticket mail through the outbox: to a user (in their language) or an address, with the ticket's reply
    address; the Message-ID of the first mail carrying `message` is stored on it. Refuses an internal note."""
    if message is not None and message.kind != MessageKind.REPLY:
        raise ValueError("An internal note is never mailed.")
    row = outbox.notify(to=to, template=template, context={"number": ticket.number, "subject": ticket.subject,
                                                           **(context or {})},
                        reply_to=reply_address(ticket), language=language)
    if message is not None and not message.message_id:
        message.message_id = outbox.message_id(row)
        Message.objects.filter(pk=message.pk).update(message_id=message.message_id)
    return row


def _staff_recipients(ticket) -> list:
    """Who of staff hears of a dealer's ticket or reply: its assignee; else its team's members and lead; else the
    sales agent of the dealer for a ticket opened by a tracking event; else the STAFF_NOTIFY_EMAILS addresses."""
    if ticket.assignee_id and ticket.assignee.is_active:
        return [ticket.assignee]
    people = []
    if ticket.team_id:
        people = list(ticket.team.members.filter(is_active=True).order_by("pk"))
        if ticket.team.lead_id and ticket.team.lead.is_active and ticket.team.lead not in people:
            people.append(ticket.team.lead)
    return people or list(settings.STAFF_NOTIFY_EMAILS)


def _mail_staff(*, ticket, message, template) -> None:
    author = message.author
    context = {"dealer_name": ticket.requester_name, "body": message.body, "ticket_url": ticket_url(ticket, staff=True),
               "author": (author.get_full_name() or author.email) if author is not None else "",
               "category": ticket.category, "urgency": ticket.urgency,
               "attachments": message.attachments.count()}
    for person in _staff_recipients(ticket):
        with translation.override(getattr(person, "language", None) or settings.LANGUAGE_CODE):
            context["category_label"] = str(TicketCategory(ticket.category).label)
            context["urgency_label"] = str(Priority(ticket.urgency).label)
        mail_ticket(ticket=ticket, to=person, template=template, context=context, message=message)


# --- links ---------------------------------------------------------------------------------------------------------

def _number(value):
    return getattr(value, "number", value)


def resolve_links(*, actor, links) -> dict:
    """The Ticket fields of `links` ({order, line, shipment, invoice}: numbers, a line's id, or the objects), each
    found among the actor's dealer's own: anything else is refused as unknown (BadTicketLink, 400)."""
    from orders.models import Order, OrderLine
    from payments.models import Invoice
    from payments.permissions import can_see_invoices
    from shipping.models import Shipment

    links = {k: v for k, v in (links or {}).items() if v not in (None, "")}
    dealer = actor.dealer
    fields = {}
    if links.get("order"):
        order = Order.objects.filter(dealer=dealer, number=str(_number(links["order"])).strip()).first()
        if order is None:
            raise BadTicketLink(_("There is no order %(number)s of your company.")
                                % {"number": _number(links["order"])}, field="order")
        fields["order"] = order
    if links.get("line"):
        try:
            line_id = int(getattr(links["line"], "pk", links["line"]))
        except (TypeError, ValueError):
            line_id = None
        lines = OrderLine.objects.filter(pk=line_id, order__dealer=dealer)
        if "order" in fields:
            lines = lines.filter(order=fields["order"])
        line = lines.select_related("order").first()
        if line is None:
            raise BadTicketLink(_("That order line is not one of your company's orders."), field="line")
        fields.update(order=line.order, order_line=line, sku=line.sku, quantity=line.quantity)
    if links.get("shipment"):
        shipment = (Shipment.objects.filter(dealer=dealer, number=str(_number(links["shipment"])).strip())
                    .select_related("carrier", "order").first())
        if shipment is None:
            raise BadTicketLink(_("There is no shipment %(number)s of your company.")
                                % {"number": _number(links["shipment"])}, field="shipment")
        parcel = shipment.parcels.order_by("pk").first()
        fields.update(shipment=shipment, waybill_number=shipment.waybill_number or "",
                      carrier_name=shipment.carrier.name if shipment.carrier_id else _("Our own truck"),
                      tracking_code=getattr(parcel, "tracking_code", "") or "")
        fields.setdefault("order", shipment.order)
    if links.get("invoice"):
        invoice = Invoice.objects.filter(dealer=dealer, number=str(_number(links["invoice"])).strip()).first()
        if invoice is None or not can_see_invoices(actor):
            raise BadTicketLink(_("There is no invoice %(number)s of your company.")
                                % {"number": _number(links["invoice"])}, field="invoice")
        fields["invoice"] = invoice
    return fields


# --- opening ---------------------------------------------------------------------------------------------------------

def team_for(category) -> Team | None:
    """The team whose categories hold `category` (the first by name), None when no team takes it."""
    return Team.objects.filter(categories__contains=[category]).order_by("name").first()


def _clean(*, subject, body, category, urgency) -> tuple[str, str]:
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise BadTicket(_("Give the ticket a subject."), field="subject")
    if len(subject) > MAX_SUBJECT:
        raise BadTicket(_("Say it in at most %(n)s characters.") % {"n": MAX_SUBJECT}, field="subject")
    if not body:
        raise BadTicket(_("Write what happened."), field="body")
    if len(body) > MAX_BODY:
        raise BadTicket(_("Write at most %(n)s characters.") % {"n": MAX_BODY}, field="body")
    if category not in TicketCategory.values:
        raise BadTicket(_("Choose what the ticket is about."), field="category")
    if urgency not in Priority.values:
        raise BadTicket(_("Choose how urgent it is."), field="urgency")
    return subject, body


def _recompute_due(ticket) -> None:
    from . import clocks

    clocks.recompute_due(ticket=ticket)


def _create(*, dealer, user, on_behalf, subject, body, category, urgency, source, fields, files, actor,
            assignee=None, author=None, message_fields=None) -> Ticket:
    """Inside the caller's transaction: the ticket, its first message and files, its due times, the team's mail.
    `message_fields`: more fields of the first message (a mail's Message-ID and full text, a channel's id)."""
    author = user if author is None else author
    ticket = Ticket.objects.create(
        number=numbering.next_number("TCK"), dealer=dealer, opened_by=user, on_behalf=on_behalf, source=source,
        subject=subject, category=category, urgency=urgency, priority=urgency, team=team_for(category),
        assignee=assignee, last_dealer_reply_at=timezone.now() if user is not None else None, **fields)
    message = Message.objects.create(ticket=ticket, kind=MessageKind.REPLY, author=author, on_behalf=on_behalf,
                                     from_staff=False, via=_via(source), body=body, **(message_fields or {}))
    if files:
        save_attachments(message=message, files=files, actor=actor)
    _recompute_due(ticket)
    audit.record(actor=user, action="support.ticket.opened", target=ticket, dealer=dealer,
                 data={"number": ticket.number, "source": source, "category": category,
                       **({"on_behalf_of": dealer.pk} if on_behalf else {})})
    _mail_staff(ticket=ticket, message=message, template="support/ticket_opened")
    return ticket


def _via(source) -> str:
    return source if source in TicketSource.values else TicketSource.WEB


@locks.retry_when_busy
def open_ticket(*, actor, subject, body, category, urgency=Priority.NORMAL, links=None, attachments=(),
                source=TicketSource.WEB, message_fields=None) -> Ticket:
    """Open a ticket for the actor's dealer (module doc). Refuses a role that may not (403), a missing subject or
    message, an unknown category or urgency (400 support.bad_ticket), a link that is not the dealer's (400
    support.bad_link), a file that is not an image or PDF or is too large (400 support.bad_attachment)."""
    if not permissions.may_open_ticket(actor):
        raise TicketNotAllowed(_("You cannot open a ticket for this company."))
    subject, body = _clean(subject=subject, body=body, category=category, urgency=urgency)
    fields = resolve_links(actor=actor, links=links)
    files = check_attachments(attachments, actor=actor)
    user, on_behalf = acting_user(actor)
    with transaction.atomic():
        return _create(dealer=actor.dealer, user=user, on_behalf=on_behalf, subject=subject, body=body,
                       category=category, urgency=urgency, source=source, fields=fields, files=files, actor=actor,
                       message_fields=message_fields)


# --- replying and closing ------------------------------------------------------------------------------------------

def _reopen_window_over(ticket, now) -> bool:
    if ticket.status == S.CLOSED:
        return True
    if ticket.status != S.RESOLVED:
        return False
    resolved_at = ticket.resolved_at or ticket.updated_at
    return resolved_at < now - timedelta(days=settings.SUPPORT_REOPEN_DAYS)


@locks.retry_when_busy
def reply(*, actor, ticket, body, attachments=(), via=TicketSource.WEB, message_fields=None) -> Message:
    """The dealer's reply (module doc). Returns the message; its `ticket` is the new follow-up ticket when the reply
    came after the reopen window (or to a closed ticket). `message_fields`: more fields of the message (a mail's
    Message-ID and full text, a channel's message id)."""
    if ticket.merged_into_id:
        ticket = ticket.merged_into
    if not permissions.may_reply(actor, ticket):
        raise TicketNotAllowed(_("You cannot reply to this ticket."))
    body = (body or "").strip()
    if not body:
        raise BadTicket(_("Write your reply first."), field="body")
    if len(body) > MAX_BODY:
        raise BadTicket(_("Write at most %(n)s characters.") % {"n": MAX_BODY}, field="body")
    files = check_attachments(attachments, actor=actor, ticket=ticket)
    user, on_behalf = acting_user(actor)
    now = timezone.now()
    with transaction.atomic():
        ticket = locks.ticket(ticket, related=("dealer", "team", "assignee"))
        if _reopen_window_over(ticket, now):
            fields = {name: getattr(ticket, name) for name in (
                "order", "order_line", "sku", "quantity", "shipment", "waybill_number", "carrier_name",
                "tracking_code", "invoice")}
            new = _create(dealer=ticket.dealer, user=user, on_behalf=on_behalf, subject=ticket.subject, body=body,
                          category=ticket.category, urgency=ticket.urgency, source=via,
                          fields={**fields, "follows": ticket}, files=files, actor=actor,
                          message_fields=message_fields)
            return new.messages.get()
        message = Message.objects.create(ticket=ticket, kind=MessageKind.REPLY, author=user, on_behalf=on_behalf,
                                         from_staff=False, via=_via(via), body=body, **(message_fields or {}))
        if files:
            save_attachments(message=message, files=files, actor=actor)
        ticket.last_dealer_reply_at = now
        if ticket.status in (S.WAITING_ON_DEALER, S.RESOLVED):
            note = _("Reopened by the dealer's reply.") if ticket.status == S.RESOLVED else ""
            TICKET.move(ticket, to=S.OPEN, actor=actor, note=note, fields=["last_dealer_reply_at"])
        else:
            ticket.save(update_fields=["last_dealer_reply_at", "updated_at"])
        if message.via != TicketSource.CHAT:  # a live chat's lines are read in the desk as they come, not mailed
            _mail_staff(ticket=ticket, message=message, template="support/dealer_replied")
    return message


@locks.retry_when_busy
def close_ticket(*, actor, ticket) -> Ticket:
    """The dealer closes its own ticket (new, open, waiting on it or resolved): no more replies go into it; a later
    reply opens a new ticket that follows it."""
    if not permissions.may_reply(actor, ticket):
        raise TicketNotAllowed(_("You cannot close this ticket."))
    with transaction.atomic():
        ticket = locks.ticket(ticket)
        if ticket.status == S.CLOSED:
            raise TicketNotClosable(_("Ticket %(number)s is closed already.") % {"number": ticket.number})
        ticket.closed_at = timezone.now()
        TICKET.move(ticket, to=S.CLOSED, actor=actor, note=_("Closed by the dealer."), fields=["closed_at"])
    return ticket


# --- proactive tickets (support/apps.py registers them on shipping's hook points) ---------------------------------

def open_ticket_for_delivery_report(*, report, actor) -> Ticket | None:
    """A delivery reported "received with problems": a ticket of the delivery category with the report's lines,
    its note and copies of its photos, opened by who reported it (inside the report's transaction)."""
    from shipping.models import DeliveryOutcome

    if report.outcome != DeliveryOutcome.PROBLEMS or Ticket.objects.filter(delivery_report=report).exists():
        return None
    shipment = report.shipment
    reporter = report.reported_by
    with translation.override(getattr(reporter, "language", None) or settings.LANGUAGE_CODE):
        lines = [f"- {p.shipment_line.order_line.sku} {p.shipment_line.order_line.name}: {p.get_kind_display()}, "
                 f"{p.quantity.normalize():f}" for p in report.problems.select_related("shipment_line__order_line")]
        subject = _("Shipment %(number)s received with problems") % {"number": shipment.number}
        body = "\n".join([report.note, "", *lines]).strip()
    parcel = shipment.parcels.order_by("pk").first()
    problem = report.problems.select_related("shipment_line__order_line").first()
    fields = {"order": shipment.order, "shipment": shipment, "delivery_report": report,
              "waybill_number": shipment.waybill_number or "", "tracking_code": getattr(parcel, "tracking_code", ""),
              "carrier_name": shipment.carrier.name if shipment.carrier_id else ""}
    if problem is not None and report.problems.count() == 1:
        fields.update(order_line=problem.shipment_line.order_line, sku=problem.shipment_line.order_line.sku,
                      quantity=problem.quantity)
    user, on_behalf = acting_user(actor)
    ticket = _create(dealer=shipment.dealer, user=reporter or user, on_behalf=report.on_behalf, subject=subject,
                     body=body, category=TicketCategory.DELIVERY, urgency=Priority.HIGH,
                     source=TicketSource.DELIVERY_REPORT, fields=fields, files=(), actor=actor)
    message = ticket.messages.get()
    for photo in report.photos.order_by("pk"):
        extension = uploads.extension_of(photo.file.name)
        mime = next((m for m, e in uploads.EXTENSIONS.items() if e == extension), "application/octet-stream")
        with photo.file.open("rb") as handle:
            content = handle.read()
        row = Attachment(message=message, filename=f"{shipment.number}-{photo.pk}.{extension}", content_type=mime,
                         size=len(content))
        row.file.save(uploads.stored_name(mime) if mime in uploads.EXTENSIONS else "photo.bin", ContentFile(content),
                      save=False)
        row.save()
    return ticket


# Tracking events that open a ticket for the dealer's sales agent before the dealer calls.
TRACKING_TICKET_STATUSES = ("delivery_failed", "return_to_sender", "exception")


def open_ticket_for_tracking_event(*, event, shipment, actor) -> Ticket | None:
    """A failed delivery, a return to sender or an exception on an outbound shipment not delivered: a ticket for the
    dealer's sales agent (its account manager), once per shipment (the constraint
    ticket_once_per_shipment_from_tracking; a second event adds nothing). Inside the event's transaction."""
    from shipping.models import Shipment, ShipmentKind, ShipmentStatus

    if event.status not in TRACKING_TICKET_STATUSES:
        return None
    shipment = Shipment.objects.select_related("dealer__account_manager", "carrier", "order").get(pk=shipment.pk)
    if shipment.kind != ShipmentKind.OUTBOUND or shipment.status == ShipmentStatus.DELIVERED:
        return None
    if Ticket.objects.filter(shipment=shipment, source=TicketSource.TRACKING).exists():
        return None
    dealer = shipment.dealer
    agent = dealer.account_manager if dealer.account_manager_id and dealer.account_manager.is_active else None
    with translation.override(getattr(agent, "language", None) or settings.LANGUAGE_CODE):
        subject = _("Shipment %(number)s: %(status)s") % {"number": shipment.number,
                                                            "status": event.get_status_display()}
        body = "\n".join(part for part in (
            _("The carrier reported “%(status)s” for shipment %(number)s (order %(order)s).") % {
                "status": event.get_status_display(), "number": shipment.number, "order": shipment.order.number},
            event.message, event.location,
            timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M")) if part)
    fields = {"order": shipment.order, "shipment": shipment, "waybill_number": shipment.waybill_number or "",
              "tracking_code": event.tracking_code or "",
              "carrier_name": shipment.carrier.name if shipment.carrier_id else ""}
    try:
        with transaction.atomic():  # two workers at once: the constraint keeps one
            return _create(dealer=dealer, user=None, on_behalf=False, subject=subject, body=body,
                           category=TicketCategory.DELIVERY, urgency=Priority.HIGH, source=TicketSource.TRACKING,
                           fields=fields, files=(), actor=actor, assignee=agent)
    except IntegrityError:
        return None


def open_ticket_for_survey_answer(*, response, assignee, subject, body, actor=None) -> Ticket:
    """A detractor's NPS answer (feedback closes the loop, issue 17 §2): a high-priority ticket of the "other"
    category for the answer's dealer, opened by the portal (no opener, no author: the dealer did not write it), about
    the order and shipment the survey asked after, with `body` as its first message. `assignee` (the dealer's sales
    agent) gets it only when support may assign them (`permissions.may_be_assigned`: a support agent); else it
    stays with the team its category routes to, and the caller tells the sales agent itself. Inside the answer's
    transaction; the team or the assignee is mailed like for every new ticket."""
    if assignee is not None and not permissions.may_be_assigned(assignee, dealer=response.dealer):
        assignee = None
    invitation = response.invitation
    fields = {"order": invitation.order, "shipment": invitation.shipment}
    if invitation.shipment_id:
        fields["waybill_number"] = invitation.shipment.waybill_number or ""
    return _create(dealer=response.dealer, user=None, on_behalf=False, subject=(subject or "").strip()[:MAX_SUBJECT],
                   body=(body or "").strip()[:MAX_BODY], category=TicketCategory.OTHER, urgency=Priority.HIGH,
                   source=TicketSource.NPS, fields=fields, files=(), actor=actor, assignee=assignee)
