"""Error codes of catalog (DomainError subclasses): every refusal of the catalog, its SKU lines and its import."""
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


# --- SKU lines (catalog.skus) ------------------------------------------------------------------------------------

class BadLine(DomainError):
    """A line that is not `SKU quantity`."""

    code = "catalog.bad_line"


class AmbiguousComma(BadLine):
    """`ABC-1,2,5`: a comma both separates and marks decimals."""

    code = "catalog.ambiguous_comma"


class TooManyLines(BadLine):
    code = "catalog.too_many_lines"


class UnknownSku(DomainError):
    """The one code for a SKU no product has, wherever it is typed (pages, quick order, the API)."""

    code = "catalog.unknown_sku"


# --- the ERP import (catalog.imports) -------------------------------------------------------------------------

class UnknownImportKind(DomainError):
    """Not one of the import kinds, or a kind no installed stage writes (prices without pricing)."""

    code = "catalog.import_kind"


class ImportInvalid(DomainError):
    """Some rows are bad; `errors` lists each as {"row", "column", "message"}. Nothing was written."""

    code = "catalog.import_invalid"

    def __init__(self, errors, *, message=None):
        self.errors = errors
        rows = len({e["row"] for e in errors})
        super().__init__(message or ngettext(
            "%(count)d row is invalid; nothing was written.",
            "%(count)d rows are invalid; nothing was written.", rows) % {"count": rows})

    def as_dict(self):
        return {"code": self.code, "detail": str(self.message), "errors": self.errors}


def unknown_skus(skus) -> UnknownSku:
    """"Unknown SKU: A, B" on the `lines` field, each SKU once, at most 20 named."""
    named = list(dict.fromkeys(skus))
    return UnknownSku(_("Unknown SKU: %(skus)s") % {"skus": ", ".join(named[:20])}, field="lines")
