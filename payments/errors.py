"""Error codes of payments (DomainError subclasses): 400 for input a person can fix, 409 for a refusal by state.
The credit errors (over_credit_limit, account_on_hold, ...) live beside the credit service."""
from portal.errors import DomainError


class PaymentsError(DomainError):
    code = "payments.error"


class NotAllowed(PaymentsError):
    """The acting user may not do this (a dealer user recording a payment, a non-staff user voiding)."""

    code = "payments.not_allowed"
    conflict = True


class InvalidAmount(PaymentsError):
    code = "payments.invalid_amount"


class InvalidPayment(PaymentsError):
    """A payment's other fields: method, date, reference, allocation instructions."""

    code = "payments.invalid_payment"


class WrongDealer(PaymentsError):
    """An invoice, payment or credit note of another dealer than the one the act is for."""

    code = "payments.wrong_dealer"


class OverAllocation(PaymentsError):
    """More than the source has left, or more than the invoice still owes."""

    code = "payments.over_allocation"
    conflict = True


class InvoiceNotOpen(PaymentsError):
    """A void or fully paid invoice takes no allocation."""

    code = "payments.invoice_not_open"
    conflict = True


class InvoiceSettled(PaymentsError):
    """Only an invoice with nothing settled can be voided."""

    code = "payments.invoice_settled"
    conflict = True


class IdempotencyKeyReused(PaymentsError):
    """The same Idempotency-Key with a different payment."""

    code = "payments.idempotency_key_reused"
    conflict = True


class InvalidInstallments(PaymentsError):
    code = "payments.invalid_installments"


class NothingToInvoice(PaymentsError):
    code = "payments.nothing_to_invoice"
    conflict = True


class InvalidPeriod(PaymentsError):
    code = "payments.invalid_period"


class ReasonRequired(PaymentsError):
    code = "payments.reason_required"


class NotRefundable(PaymentsError):
    """Money that still settles an invoice cannot be paid back (issue a credit note first)."""

    code = "payments.not_refundable"
    conflict = True


class ReservedForOrder(PaymentsError):
    """Money recorded for an order pays that order's invoice only (until the order ends or its invoice is paid)."""

    code = "payments.reserved_for_order"
    conflict = True


class ReturnNotInvoiced(PaymentsError):
    """A return is credited only for goods invoiced on an invoice that was not voided."""

    code = "payments.return_not_invoiced"
    conflict = True
