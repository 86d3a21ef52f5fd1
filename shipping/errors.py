"""Error codes of shipping (DomainError subclasses): why a method cannot carry these goods to this address.

Each is a 400: the dealer can fix it (another method, another address, fewer lines) — a page shows the method
disabled with the message, the API answers it per method (`unavailable`) or, for the one method asked, as the body."""
from portal.errors import DomainError


class ShippingError(DomainError):
    code = "shipping.error"


class NoLines(ShippingError):
    code = "shipping.no_lines"


class MethodNotAllowed(ShippingError):
    """The method is inactive, unknown, or limited to other segments or dealers."""

    code = "shipping.method_not_allowed"


class HazardousNotCarried(ShippingError):
    code = "shipping.hazardous_not_carried"


class FragileNotCarried(ShippingError):
    code = "shipping.fragile_not_carried"


class InsuranceNotOffered(ShippingError):
    code = "shipping.insurance_not_offered"


class NoRate(ShippingError):
    """No rate rule of the method holds for this address, dealer and goods."""

    code = "shipping.no_rate"


class WeightUnknown(ShippingError):
    """The method prices by weight only and a product has no weight."""

    code = "shipping.weight_unknown"


class NoPrice(ShippingError):
    """A line has no price for the dealer, so its net value (and the free threshold) cannot be known."""

    code = "shipping.no_price"
