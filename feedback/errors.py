"""Error codes of feedback (DomainError subclasses): one stable code and one HTTP status each."""
from portal.errors import DomainError


class FeedbackError(DomainError):
    code = "feedback.invalid"


class FeedbackMoveNotAllowed(FeedbackError):
    """A move a review's, a detractor follow-up's or a story's transitions table does not allow."""

    code = "feedback.move_not_allowed"
    conflict = True
