"""Every error code of payments (DomainError subclasses), in one place: 400 for input a person can fix, 409 for a
refusal by state. One code has one HTTP status everywhere (fixed here on the class)."""
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


class OverInvoiced(PaymentsError):
    """A part of an order (a shipment) would invoice more of a line than was ordered."""

    code = "payments.over_invoiced"
    conflict = True


class InvoiceNotVoid(PaymentsError):
    """Only a void invoice is reissued."""

    code = "payments.invoice_not_void"
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


# --- lifecycles (payments.models.INVOICE, CARD_PAYMENT): one code per forbidden move --------------------------------

class InvoiceStatusNotAllowed(PaymentsError):
    """An invoice move its transitions table does not allow (payments.models.INVOICE)."""

    code = "payments.invoice_status_not_allowed"
    conflict = True


class CardPaymentStatusNotAllowed(PaymentsError):
    """A card payment move its transitions table does not allow (payments.models.CARD_PAYMENT)."""

    code = "payments.card_payment_status_not_allowed"
    conflict = True


# --- credit (services.credit) -------------------------------------------------------------------------------------

class OverCreditLimit(PaymentsError):
    code = "payments.over_credit_limit"
    conflict = True


class AccountOnHold(PaymentsError):
    code = "payments.account_on_hold"
    conflict = True


class MethodNotAllowed(PaymentsError):
    code = "payments.method_not_allowed"
    conflict = True


class InvalidCreditAccount(PaymentsError):
    code = "payments.invalid_credit_account"


class NotFinanceStaff(InvalidCreditAccount):
    code = "payments.finance_only"
    conflict = True


# --- orders waiting for their money (services.wire, services.cards) -------------------------------------------------

class WirePaymentPending(PaymentsError):
    code = "payments.wire_payment_pending"
    conflict = True


class CardPaymentsOff(PaymentsError):
    code = "payments.card_payments_off"
    conflict = True


class CardPaymentPending(PaymentsError):
    code = "payments.card_payment_pending"
    conflict = True


class CardNotPayable(PaymentsError):
    code = "payments.card_not_payable"
    conflict = True


class CardProviderFailed(PaymentsError):
    code = "payments.card_provider_failed"
    conflict = True


class OverRefund(PaymentsError):
    code = "payments.over_refund"
    conflict = True
