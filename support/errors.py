"""Error codes of support (DomainError subclasses): one stable code and one HTTP status each."""
from portal.errors import DomainError


class SupportError(DomainError):
    code = "support.invalid"


class TicketMoveNotAllowed(SupportError):
    """A move the ticket's transitions table does not allow."""

    code = "support.move_not_allowed"
    conflict = True


# --- Satisfaction (H-METRICS) ---------------------------------------------------------------------------------------

class AlreadyRated(SupportError):
    """A ticket is rated once: a second rating is refused."""

    code = "support.already_rated"
    conflict = True


class NotRateable(SupportError):
    """Only a resolved or closed ticket is rated."""

    code = "support.not_rateable"
    conflict = True


class RatingInvalid(SupportError):
    """A rating outside 1–5."""

    code = "support.rating_invalid"


class RatingNotAllowed(SupportError):
    """Only the dealer's users who may see the ticket rate it (not an agent acting for the dealer, not staff)."""

    code = "support.rating_not_allowed"
    forbidden = True


# --- the desk (H-DESK) ---------------------------------------------------------------------------------------------

class NotSupportAgent(SupportError):
    """Only support agents (the "Support agents" group) and superusers work the desk."""

    code = "support.not_support_agent"
    forbidden = True


class AssigneeNotAgent(SupportError):
    """A ticket is assigned only to an active support agent."""

    code = "support.assignee_not_agent"


class EmptyMessage(SupportError):
    """A reply or a note without text."""

    code = "support.empty_message"


class ReplyMoveNotAllowed(SupportError):
    """A reply moves its ticket only to waiting on the dealer or resolved."""

    code = "support.reply_move_not_allowed"


class TicketClosed(SupportError):
    """A closed ticket takes no reply, assignment or merge any more."""

    code = "support.ticket_closed"
    conflict = True


class MergeNotAllowed(SupportError):
    """A duplicate merges only into another open ticket of the same dealer."""

    code = "support.merge_not_allowed"
    conflict = True


# --- Tickets: opening, replying, closing (H-TICKETS) ---------------------------------------------------------------

class BadTicket(SupportError):
    """A ticket or reply that cannot be taken as sent: no subject or message, an unknown category or urgency."""

    code = "support.bad_ticket"


class BadTicketLink(SupportError):
    """An order, line, shipment or invoice the dealer does not have (another dealer's is refused as unknown)."""

    code = "support.bad_link"


class BadAttachment(SupportError):
    """A file refused by its content (not an image or PDF: HTML, SVG, a program) or its size (over 10 MB); it is
    kept in the quarantine for staff."""

    code = "support.bad_attachment"


class TicketNotAllowed(SupportError):
    """The actor's role may not open, reply to or close this ticket."""

    code = "support.not_allowed"
    forbidden = True


class TicketNotClosable(SupportError):
    """Only an open or resolved ticket (or one waiting on the dealer) is closed by the dealer."""

    code = "support.not_closable"
    conflict = True


class FaqNotAllowed(SupportError):
    """The FAQ: voting needs a signed-in user who may read the article; publishing needs the right to edit it."""

    code = "support.faq_not_allowed"
    forbidden = True


# --- Phone calls (issue 16, H6) ------------------------------------------------------------------------------------

class BadCall(SupportError):
    """A phone call that cannot be logged as given: an unknown direction, a duration outside 0–24 hours, a start in
    the future or before the ticket, notes too long; a caller who is not a user of the dealer."""

    code = "support.bad_call"


# --- Live chat (issue 16, H3) -------------------------------------------------------------------------------------

class ChatUnavailable(SupportError):
    """Chat starts only within business hours while an agent is on duty; `reason`: "out_of_hours" or "no_agent"."""

    code = "support.chat_unavailable"
    conflict = True

    def __init__(self, message, *, reason="", **kwargs):
        super().__init__(message, **kwargs)
        self.reason = reason


class ChatNotAllowed(SupportError):
    """A chat is its dealer user's, its visitor's and support agents'; sales agents and other staff do not chat."""

    code = "support.chat_not_allowed"
    forbidden = True


class ChatEnded(SupportError):
    """An ended chat takes no more messages."""

    code = "support.chat_ended"
    conflict = True


class ChatTaken(SupportError):
    """Another agent accepted the chat first."""

    code = "support.chat_taken"
    conflict = True


class ChatHandoverRefused(SupportError):
    """A chat is handed over only to another support agent on duty."""

    code = "support.chat_handover_refused"


class ChatRateLimited(SupportError):
    """Too many chats started from one browser or address in a short time."""

    code = "support.chat_rate_limited"


# --- WhatsApp (issue 16, H5) ------------------------------------------------------------------------------------------

class BadWhatsAppPayload(SupportError):
    """A signed WhatsApp webhook call whose body is not a JSON object (NUL bytes, bad UTF-8, nesting too deep)."""

    code = "support.bad_whatsapp_payload"


# --- Quarantine of inbound messages (issue 16, H2) -----------------------------------------------------------------

class InboundNotHeld(SupportError):
    """The inbound message is no longer in quarantine (released or dropped already, maybe a moment ago)."""

    code = "support.inbound_not_held"
    conflict = True


class BadRelease(SupportError):
    """A release that cannot be done as asked: an unknown or closed ticket, an unknown dealer, a missing name, an
    address or phone number that is a user already, or a message that would land in quarantine again."""

    code = "support.bad_release"


class MailHeld(SupportError):
    """Mail intake: this mail goes to quarantine, with the message as the reason (an unknown or inactive sender, a
    ticket the sender may not write to). Raised and caught inside support.services.mail_intake; never an answer."""

    code = "support.mail_held"
