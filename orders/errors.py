"""Error codes of orders (DomainError subclasses): 400 for input a person can fix, 409 for a refusal by state."""
from portal.errors import DomainError


class OrdersError(DomainError):
    code = "orders.error"


class NoDealer(OrdersError):
    """Nobody to order for: a staff user who is not acting for a dealer."""

    code = "orders.no_dealer"
    conflict = True


class DealerNotApproved(OrdersError):
    code = "orders.dealer_not_approved"
    conflict = True


class NotAllowed(OrdersError):
    """The actor's role does not allow it (e.g. a viewer filling a cart)."""

    code = "orders.not_allowed"
    conflict = True


class UnknownProduct(OrdersError):
    code = "orders.unknown_product"


class ProductUnavailable(OrdersError):
    """The product is no longer sold (inactive)."""

    code = "orders.product_unavailable"
    conflict = True


class QuantityTooLarge(OrdersError):
    code = "orders.quantity_too_large"


class NoLines(OrdersError):
    """Nothing to add: an empty paste, an empty file, an empty cart saved as a list."""

    code = "orders.no_lines"


class TooManyLines(OrdersError):
    code = "orders.too_many_lines"


class NothingAdded(OrdersError):
    """Every line was refused (the lines come with the error)."""

    code = "orders.nothing_added"


class UnreadableFile(OrdersError):
    code = "orders.unreadable_file"


class FileTooLarge(OrdersError):
    code = "orders.file_too_large"


class InvalidListName(OrdersError):
    code = "orders.invalid_list_name"


class DuplicateListName(OrdersError):
    code = "orders.duplicate_list_name"
    conflict = True


class InvalidCheckout(OrdersError):
    code = "orders.invalid_checkout"


class UnpricedProduct(OrdersError):
    code = "orders.unpriced_product"
    conflict = True


class OverOrderLimit(OrdersError):
    code = "orders.over_order_limit"
    conflict = True


class StatusNotAllowed(OrdersError):
    """An order cannot make this move (orders.models.ORDER's table, or an approver's move asked of staff): the one
    code of a forbidden order move."""

    code = "orders.status_not_allowed"
    conflict = True


class OrderNotChangeable(OrdersError):
    code = "orders.not_changeable"
    conflict = True


class InvalidReturn(OrdersError):
    code = "orders.invalid_return"


class ReturnStatusNotAllowed(OrdersError):
    """A return cannot make this move (it has been decided already): the one code of a forbidden return move."""

    code = "orders.return_status_not_allowed"
    conflict = True


class ShippingChargeChanged(OrdersError):
    """The chosen shipping method costs other than what the review page showed (its rates changed meanwhile)."""

    code = "orders.shipping_charge_changed"
    conflict = True


class RestNotCancellable(OrdersError):
    """Staff cannot cancel this rest of an order (short-shipping): the order does not ship (placed, shipped,
    cancelled...), a quantity is more than the line has left, none is given, or the note saying why is missing."""

    code = "orders.rest_not_cancellable"
    conflict = True
