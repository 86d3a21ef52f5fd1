"""Error codes of dealers."""
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
    code = "dealers.invalid_transition"
    conflict = True


class NotAllowed(DealerError):
    code = "dealers.not_allowed"
    conflict = True


class LastOwner(DealerError):
    code = "dealers.last_owner"
    conflict = True


class TermsNotAccepted(DealerError):
    code = "dealers.terms_not_accepted"


class InvalidTaxNumber(DealerError):
    code = "dealers.invalid_tax_number"


class InvalidPassword(DealerError):
    code = "dealers.invalid_password"
