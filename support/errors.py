"""Error codes of support (DomainError subclasses): one stable code and one HTTP status each."""
from portal.errors import DomainError


class SupportError(DomainError):
    code = "support.invalid"


class TicketMoveNotAllowed(SupportError):
    """A move the ticket's transitions table does not allow."""

    code = "support.move_not_allowed"
    conflict = True
