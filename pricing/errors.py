"""Error codes of pricing (DomainError subclasses)."""
from portal.errors import DomainError


class PricingError(DomainError):
    code = "pricing.error"


class UnknownProduct(PricingError):
    """A line names a product (id or SKU) that does not exist."""

    code = "pricing.unknown_product"


class InvalidQuantity(PricingError):
    """A quantity that is not a positive number (floats are refused: quantities are Decimal)."""

    code = "pricing.invalid_quantity"


class InvalidPaymentMethod(PricingError):
    """A payment method or installment count the portal does not know."""

    code = "pricing.invalid_payment_method"


# --- quotes -----------------------------------------------------------------------------------------------------

class QuoteError(PricingError):
    code = "pricing.quote_error"


class NoDealer(QuoteError):
    """Nobody to ask for: a staff user who is not acting for a dealer."""

    code = "pricing.no_dealer"
    conflict = True


class DealerNotApproved(QuoteError):
    code = "pricing.dealer_not_approved"
    conflict = True


class QuoteNotAllowed(QuoteError):
    """The actor's role (or staff assignment) does not allow this act, or the quote is another dealer's."""

    code = "pricing.quote_not_allowed"
    conflict = True


class QuoteInvalidTransition(QuoteError):
    """The quote's status does not allow this act (e.g. accepting a quote that was not sent)."""

    code = "pricing.quote_invalid_status"
    conflict = True


class QuoteExpired(QuoteError):
    code = "pricing.quote_expired"
    conflict = True


class QuoteAlreadyAccepted(QuoteError):
    """Someone accepted it first (the message names the order)."""

    code = "pricing.quote_already_accepted"
    conflict = True


class OrderingUnavailable(QuoteError):
    """No order maker is registered (the orders stage is not installed)."""

    code = "pricing.ordering_unavailable"
    conflict = True


class QuoteNoLines(QuoteError):
    code = "pricing.quote_no_lines"


class QuoteTooManyLines(QuoteError):
    code = "pricing.quote_too_many_lines"


class QuoteDuplicateProduct(QuoteError):
    code = "pricing.quote_duplicate_product"


class ProductUnavailable(QuoteError):
    """The product is no longer sold."""

    code = "pricing.product_unavailable"
    conflict = True


class InvalidQuotePrice(QuoteError):
    """A negotiated price below zero or not a number, a discount outside 0–100, or both on one line."""

    code = "pricing.quote_invalid_price"


class QuoteLineUnpriced(QuoteError):
    """A line has neither a list price nor a negotiated price: it cannot be sent."""

    code = "pricing.quote_line_unpriced"


class InvalidQuoteHeader(QuoteError):
    """A validity date in the past, a missing payment method, an unknown delivery method, a bad date."""

    code = "pricing.quote_invalid_header"


class ReasonRequired(QuoteError):
    code = "pricing.quote_reason_required"


class PriceAsNotAllowed(PricingError):
    """Pricing as another dealer (the calculator's `dealer_code`) by someone who may not price as that dealer, or a
    dealer code nobody has (not told apart)."""

    code = "pricing.price_as_not_allowed"
