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
