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
