"""Error codes of dealers (every DomainError of the app): 400 for input a person can fix, 409 for a refusal by
state, 403 for `dealers.not_allowed` (the actor may not do this), the same status wherever it is raised."""
from portal.errors import DomainError


class DealerError(DomainError):
    code = "dealers.error"


class DuplicateTaxNumber(DealerError):
    code = "dealers.duplicate_tax_number"
    conflict = True


class DuplicateEmail(DealerError):
    code = "dealers.duplicate_email"
    conflict = True


class InvalidDocument(DealerError):
    code = "dealers.invalid_document"


class InvalidAddress(DealerError):
    code = "dealers.invalid_address"


class InvalidTransition(DealerError):
    """The one refusal of a move the dealer lifecycle (models.DEALER) or a lifecycle service does not allow."""

    code = "dealers.invalid_transition"
    conflict = True


class ReasonRequired(DealerError):
    """A rejection without the reason the applicant is told."""

    code = "dealers.reason_required"


class InvalidAgent(DealerError):
    """The sales agent chosen on approval is not an active staff user in the “Sales agents” group."""

    code = "dealers.invalid_agent"


class InvalidUserSettings(DealerError):
    """An unknown role or a negative order limit for a dealer's user."""

    code = "dealers.invalid_user_settings"


class NotAllowed(DealerError):
    """The actor may not do this (its role, or it is not staff): 403, in the API's early check (DealerAccountMixin)
    as in the service that checks again."""

    code = "dealers.not_allowed"
    conflict = True
    forbidden = True


class LastOwner(DealerError):
    code = "dealers.last_owner"
    conflict = True


class TermsNotAccepted(DealerError):
    code = "dealers.terms_not_accepted"


class TermsAlreadyPublished(DealerError):
    code = "dealers.terms_already_published"
    conflict = True


class TermsOutdated(DealerError):
    """A draft older than the current version: it would never become current."""

    code = "dealers.terms_outdated"
    conflict = True


class InvalidTaxNumber(DealerError):
    code = "dealers.invalid_tax_number"


class InvalidPassword(DealerError):
    code = "dealers.invalid_password"
