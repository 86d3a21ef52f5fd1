"""Error codes of catalog (DomainError subclasses)."""
from portal.errors import DomainError


class InvalidBarcode(DomainError):
    code = "catalog.invalid_barcode"


class InvalidQuantity(DomainError):
    code = "catalog.invalid_quantity"


class BelowMinimum(InvalidQuantity):
    code = "catalog.below_minimum"


class NotAMultiple(InvalidQuantity):
    code = "catalog.not_a_multiple"


class NotWhole(InvalidQuantity):
    code = "catalog.not_whole"


class InvalidImage(DomainError):
    code = "catalog.invalid_image"


class CategoryCycle(DomainError):
    code = "catalog.category_cycle"


class OutOfStock(DomainError):
    code = "catalog.out_of_stock"
    conflict = True


class NotAvailable(OutOfStock):
    """Nothing of the product can be delivered: no (orderable) stock and no backorder (catalog.availability)."""

    code = "catalog.not_available"


class NotEnoughStock(OutOfStock):
    """Less than asked can be delivered; the message says how much can."""

    code = "catalog.not_enough_stock"
