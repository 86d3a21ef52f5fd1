"""Staff's work on inbound messages held in quarantine (issue 16), of any channel (mail, WhatsApp): a message from
an unknown sender, or one that could not be read, waits on the desk's quarantine page until a support agent

- **releases it to a ticket** (`release_to_ticket`): it becomes the dealer's message on that ticket (its author the
  user the sender is, when one of the ticket's dealer, else none), by the channel it came by, with its files (a
  mail's, read again from the raw message and checked like uploads); a ticket waiting on the dealer or resolved
  opens again, as with any dealer reply;
- **releases it as a new contact** (`release_as_contact`): a user of the chosen dealer is created with the sender's
  address (mail) or phone number (WhatsApp; an e-mail address is then given by staff, every user has one), without a
  usable password (they set one through "forgot password"), and the message is handled again as from that user
  (mail: `mail_intake.process`; another channel: its adapter's `process_inbound`). Should it land in quarantine
  again (a reply to another dealer's ticket), nothing is kept: the user is not created;
- or **drops it** (`drop`).

Each refuses whoever is not a support agent (NotSupportAgent) and a message no longer in quarantine
(InboundNotHeld), also when two agents click at the same moment: the inbound row is locked first, its status read
under the lock. A refusal changes nothing.
"""
from __future__ import annotations

from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit, locks
from portal.actors import Actor
from portal.lifecycle import acting_user

from .. import permissions
from ..errors import BadRelease, InboundNotHeld, NotSupportAgent
from ..models import (
    TICKET,
    InboundMessage,
    InboundStatus,
    Message,
    MessageKind,
    Ticket,
    TicketCategory,
    TicketSource,
    TicketStatus,
)

__all__ = ["drop", "held", "release_as_contact", "release_to_ticket"]

MAX_NAME = 150


def held():
    """The messages in quarantine, newest first."""
    return (InboundMessage.objects.filter(status=InboundStatus.QUARANTINED)
            .select_related("ticket").order_by("-received_at", "-pk"))


def _require_agent(actor) -> None:
    if not permissions.is_support_agent(actor):
        raise NotSupportAgent(_("Only support agents work on the support desk."))


def _lock(inbound) -> InboundMessage:
    row = InboundMessage.objects.select_for_update().filter(pk=getattr(inbound, "pk", inbound)).first()
    if row is None or row.status != InboundStatus.QUARANTINED:
        raise InboundNotHeld(_("This message is no longer in quarantine."))
    return row


def _handled(row, *, actor, status, ticket=None, message=None) -> None:
    user, _on_behalf = acting_user(actor)
    row.status = status
    if ticket is not None:
        row.ticket = ticket
    if message is not None:
        row.message = message
    row.handled_by = user
    row.handled_at = timezone.now()
    row.save(update_fields=["status", "ticket", "message", "handled_by", "handled_at"])


def _sender_user(row):
    """The user the sender is (by e-mail address or E.164 phone number), None when nobody or ambiguous."""
    from dealers.models import User
    from dealers.phones import to_e164

    if not row.sender:
        return None
    if row.channel == TicketSource.MAIL:
        return User.objects.filter(email__iexact=row.sender).first()
    phone = to_e164(row.sender)
    users = list(User.objects.filter(phone_e164=phone)[:2]) if phone else []
    return users[0] if len(users) == 1 else None


def _ticket(ticket) -> Ticket:
    if isinstance(ticket, Ticket):
        return ticket
    number = str(ticket or "").replace("\x00", "").strip()[:20]
    found = Ticket.objects.filter(number__iexact=number).first() if number else None
    if found is None:
        raise BadRelease(_("There is no ticket %(number)s.") % {"number": number}, field="ticket")
    return found


@locks.retry_when_busy
def release_to_ticket(*, actor, inbound, ticket) -> Message:
    """Add the held message to `ticket` (a Ticket or its number) as the dealer's message (module doc)."""
    from . import mail_intake

    _require_agent(actor)
    ticket = _ticket(ticket)
    with transaction.atomic():
        row = _lock(inbound)
        ticket = locks.ticket(ticket, related=("dealer", "merged_into"))
        if ticket.merged_into_id:
            ticket = locks.ticket(ticket.merged_into_id, related=("dealer",))
        if ticket.status == TicketStatus.CLOSED:
            raise BadRelease(_("Ticket %(number)s is closed: release the message to an open ticket or as a new "
                               "contact.") % {"number": ticket.number}, field="ticket")
        sender = _sender_user(row)
        author = sender if sender is not None and ticket.dealer_id and sender.dealer_id == ticket.dealer_id else None
        body, full, files = (row.text or "").strip(), "", []
        if row.channel == TicketSource.MAIL:
            mail = mail_intake.parse(_raw(row))
            files, refused = mail_intake.attachments_of(mail, actor=actor, ticket=ticket)
            if mail.text or refused:
                body, full = mail_intake.texts_of(mail, refused)
        body = body or _("(The message had no text.)")
        fields = ({"message_id": row.external_id, "full_body": full} if row.channel == TicketSource.MAIL
                  else {"external_id": row.external_id})
        try:
            with transaction.atomic():
                message = Message.objects.create(ticket=ticket, kind=MessageKind.REPLY, author=author,
                                                 from_staff=False, via=row.channel, body=body[:20000], **fields)
        except IntegrityError as exc:  # the channel's message id landed on a ticket already
            raise InboundNotHeld(_("This message is on a ticket already.")) from exc
        if files:
            from .tickets import save_attachments

            save_attachments(message=message, files=files, actor=actor)
        ticket.last_dealer_reply_at = timezone.now()
        if ticket.status in (TicketStatus.WAITING_ON_DEALER, TicketStatus.RESOLVED):
            TICKET.move(ticket, to=TicketStatus.OPEN, actor=actor, fields=["last_dealer_reply_at"],
                        note=_("Reopened by a message released from quarantine."))
        else:
            ticket.save(update_fields=["last_dealer_reply_at", "updated_at"])
        _handled(row, actor=actor, status=InboundStatus.RELEASED, ticket=ticket, message=message)
        user, _on_behalf = acting_user(actor)
        audit.record(actor=user, action="support.inbound.released", target=ticket, dealer=ticket.dealer,
                     data={"inbound": row.pk, "channel": row.channel, "ticket": ticket.number})
    return message


def _raw(row) -> bytes:
    if not row.raw:
        return b""
    try:
        with row.raw.open("rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _dealer(dealer):
    from dealers.models import Dealer

    if isinstance(dealer, Dealer):
        return dealer
    code = str(dealer or "").replace("\x00", "").strip()[:12]
    found = Dealer.objects.filter(code__iexact=code).first() if code else None
    if found is None:
        raise BadRelease(_("There is no dealer with the code %(code)s.") % {"code": code}, field="dealer")
    return found


def _clean_name(value, field) -> str:
    value = " ".join(str(value or "").replace("\x00", "").split())
    if not value:
        raise BadRelease(_("Give the contact's first and last name."), field=field)
    if len(value) > MAX_NAME:
        raise BadRelease(_("Say it in at most %(n)s characters.") % {"n": MAX_NAME}, field=field)
    return value


@locks.retry_when_busy
def release_as_contact(*, actor, inbound, dealer, first_name, last_name, role="buyer", email="") -> InboundMessage:
    """Create the sender as a user of `dealer` (a Dealer or its code) and handle the message again as theirs
    (module doc). `email`: the new user's address for a WhatsApp sender (a mail's sender is its own address)."""
    from dealers.models import Role, User
    from dealers.phones import to_e164

    _require_agent(actor)
    dealer = _dealer(dealer)
    first_name, last_name = _clean_name(first_name, "first_name"), _clean_name(last_name, "last_name")
    if role not in Role.values or role == Role.OWNER:
        raise BadRelease(_("Choose the contact's role."), field="role")
    if not dealer.is_approved:
        raise BadRelease(_("%(dealer)s is not an approved dealer.") % {"dealer": dealer}, field="dealer")
    with transaction.atomic():
        row = _lock(inbound)
        phone = ""
        if row.channel == TicketSource.MAIL:
            email = row.sender
        else:
            phone = to_e164(row.sender)
            if not phone:
                raise BadRelease(_("The sender's phone number cannot be read."))
            if User.objects.filter(phone_e164=phone).exists():
                raise BadRelease(_("A user with this phone number exists already: release the message to a ticket."))
        email = str(email or "").replace("\x00", "").strip().lower()[:254]
        try:
            validate_email(email)
        except Exception as exc:  # noqa: BLE001 - django's ValidationError; the message is ours
            raise BadRelease(_("Give the contact's e-mail address."), field="email") from exc
        if User.objects.filter(email__iexact=email).exists():
            raise BadRelease(_("%(email)s is a user already: release the message to a ticket.") % {"email": email},
                             field="email")
        owner = dealer.users.filter(role=Role.OWNER).order_by("pk").first()
        user = User(email=email, first_name=first_name, last_name=last_name, dealer=dealer, role=role, phone=phone,
                    language=getattr(owner, "language", "") or "en")
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # the same address created a moment ago
            raise BadRelease(_("%(email)s is a user already: release the message to a ticket.")
                             % {"email": email}, field="email") from exc
        staff, _on_behalf = acting_user(actor)
        audit.record(actor=staff, action="support.inbound.contact_created", target=user, dealer=dealer,
                     data={"inbound": row.pk, "channel": row.channel, "email": email, "role": role})
        row = _process_as(row, user=user)
        if row.status == InboundStatus.QUARANTINED or row.message_id is None:
            raise BadRelease(_("The message cannot be taken from this contact either: %(reason)s")
                             % {"reason": row.reason or _("it would stay in quarantine")})
        _handled(row, actor=actor, status=InboundStatus.RELEASED)
    return row


def _process_as(row, *, user) -> InboundMessage:
    """Handle the held message again now that its sender is `user` (inside the release's transaction)."""
    from .. import channels
    from . import mail_intake, tickets

    if row.channel == TicketSource.MAIL:
        return mail_intake.process(row)
    handler = channels.adapter(row.channel) if row.channel in channels.ADAPTERS else None
    try:
        if handler is not None and row.channel != TicketSource.MAIL:
            handler.process_inbound(row)
            return InboundMessage.objects.get(pk=row.pk)
    except NotImplementedError:
        pass
    text = (row.text or "").strip() or _("(The message had no text.)")
    subject = (row.subject or text.split("\n")[0]).strip()[:200]
    ticket = tickets.open_ticket(actor=Actor(user=user, dealer=user.dealer), subject=subject, body=text[:20000],
                                 category=TicketCategory.OTHER, source=row.channel)
    row.ticket, row.message = ticket, ticket.messages.order_by("pk").first()
    row.status = InboundStatus.OPENED
    row.save(update_fields=["ticket", "message", "status"])
    return row


@locks.retry_when_busy
def drop(*, actor, inbound) -> InboundMessage:
    """Drop the held message: it stays in the records (and its raw message for staff), on no ticket."""
    _require_agent(actor)
    with transaction.atomic():
        row = _lock(inbound)
        _handled(row, actor=actor, status=InboundStatus.DROPPED)
        user, _on_behalf = acting_user(actor)
        audit.record(actor=user, action="support.inbound.dropped", target=row, dealer=None,
                     data={"inbound": row.pk, "channel": row.channel, "sender": row.sender})
    return row
