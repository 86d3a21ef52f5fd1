"""Error codes of feedback (DomainError subclasses): one stable code and one HTTP status each."""
from portal.errors import DomainError


class FeedbackError(DomainError):
    code = "feedback.invalid"


class FeedbackMoveNotAllowed(FeedbackError):
    """A move a review's, a detractor follow-up's or a story's transitions table does not allow."""

    code = "feedback.move_not_allowed"
    conflict = True


# --- Product reviews (F3) --------------------------------------------------------------------------------------------

class ReviewNotAllowed(FeedbackError):
    """Who may not write this review: not a verified buyer, a role that may not, staff, an agent for the dealer."""

    code = "feedback.review_not_allowed"
    forbidden = True


class AlreadyReviewed(FeedbackError):
    """One review per product and user: the second one is an edit of the first."""

    code = "feedback.already_reviewed"
    conflict = True


class ReviewInvalid(FeedbackError):
    """Stars outside 1–5, an empty or too long title or text, a reject without a reason, an empty reply."""

    code = "feedback.review_invalid"


class BadReviewPhoto(FeedbackError):
    """More than five photos, one larger than 5 MB, or a file that is not a JPEG, PNG or WebP image by content."""

    code = "feedback.bad_review_photo"


class ModerationNotAllowed(FeedbackError):
    """Approve, reject, reply: staff with the right to change reviews only."""

    code = "feedback.moderation_not_allowed"
    forbidden = True


class VoteNotAllowed(FeedbackError):
    """A helpful vote on one's own review, on one not published, or by someone who may not vote."""

    code = "feedback.vote_not_allowed"
    conflict = True


# --- NPS (F1) --------------------------------------------------------------------------------------------------------

class NpsInvalid(FeedbackError):
    """An answer that cannot be stored: a score outside 0–10 (or not a whole number), an unknown reason tag, a
    comment too long or holding characters that cannot be stored (NUL)."""

    code = "feedback.nps_invalid"


class NpsAlreadyAnswered(FeedbackError):
    """An invitation is answered once (also under a parallel double submit)."""

    code = "feedback.nps_already_answered"
    conflict = True


class NpsLinkExpired(FeedbackError):
    """The invitation's link is past its expiry: 410 Gone."""

    code = "feedback.nps_link_expired"
    conflict = True

    @property
    def http_status(self):
        return 410


# --- Closing the loop and stories (F2) ------------------------------------------------------------------------------

class LoopNotAllowed(FeedbackError):
    """Move a detractor follow-up by hand: staff with the right to change follow-ups only."""

    code = "feedback.loop_not_allowed"
    forbidden = True


class StoryNotAllowed(FeedbackError):
    """Write, consent to or withdraw a story: the owner of the story's dealer; edit and publish: staff with the
    right to change stories."""

    code = "feedback.story_not_allowed"
    forbidden = True


class StoryInvalid(FeedbackError):
    """An empty or too long title or text, or characters that cannot be stored (NUL)."""

    code = "feedback.story_invalid"


class StoryNoConsent(FeedbackError):
    """Publish a story whose published text the dealer has not consented to (or that was edited after)."""

    code = "feedback.story_no_consent"
    conflict = True


class StoryClosed(FeedbackError):
    """Write a story no longer invited or submitted, edit one not submitted or published, consent with no text."""

    code = "feedback.story_closed"
    conflict = True


class StoryChanged(FeedbackError):
    """Consent to a text staff changed since the page showed it: the dealer reads the new one first."""

    code = "feedback.story_changed"
    conflict = True


class BadPeriod(FeedbackError):
    """The dashboard's or the staff exports' period: an unreadable month, from after until, too long, a bad tier."""

    code = "feedback.bad_period"
