"""What staff and dealers type into a quote, cleaned: products by instance or id (known, still sold), quantities by the
one quantity rule (catalog.services.validate_quantity, errors naming the SKU), net prices and discounts as Decimals with
at most two decimals, header dates and choices. Every refusal is a DomainError with a code; nothing is written here."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.services import validate_quantity
from portal.errors import DomainError

from ..engine.lines import to_product_id
from ..errors import (
    InvalidQuoteHeader,
    InvalidQuotePrice,
    ProductUnavailable,
    QuoteDuplicateProduct,
    QuoteTooManyLines,
    UnknownProduct,
)
from ..models import PaymentAdjustment

MAX_LINES = 500
MAX_PRICE = Decimal(10) ** 12
HEADER_FIELDS = ("quote_date", "delivery_date", "payment_method", "delivery_method", "shipping_insured", "valid_until",
                 "terms", "notes")
DATE_FIELDS = {"quote_date", "delivery_date", "valid_until"}


@dataclass(frozen=True)
class QuoteLineInput:
    """A line as staff want it: the product (instance or id), the quantity, and either a negotiated net unit price or
    a discount in percent off the list price (or neither: the list price)."""

    product: object
    quantity: object
    unit_price: object = None
    discount_percent: object = None


def product_id_of(item) -> int:
    """A quote line's product id (the engine's rule; an error names the quote's lines)."""
    return to_product_id(item, field="lines")


def load_products(ids) -> dict[int, Product]:
    found = Product.objects.in_bulk(list(set(ids)))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise UnknownProduct(_("No such product: %(ids)s") % {"ids": ", ".join(map(str, dict.fromkeys(missing)))},
                             field="lines")
    inactive = [found[pk].sku for pk in dict.fromkeys(ids) if not found[pk].active]
    if inactive:
        raise ProductUnavailable(_("No longer sold: %(skus)s") % {"skus": ", ".join(inactive)}, field="lines")
    return found


def checked_quantity(product, value):
    """The one quantity rule (catalog.services.validate_quantity); its error names the SKU."""
    try:
        return validate_quantity(product=product, quantity=value)
    except DomainError as exc:
        raise type(exc)(f"{product.sku}: {exc.message}", field="lines", params={"sku": product.sku}) from exc


def plain_quantity(product, value) -> Decimal:
    """A positive number as typed (no minimum or multiple checked yet); else the rule's own error."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if isinstance(value, (float, bool)) or number is None or not number.is_finite() or number <= 0:
        checked_quantity(product, value)  # raises the rule's error for this value
    return number


def _decimal(value, *, sku, what) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (float, bool)):
        raise InvalidQuotePrice(_("%(sku)s: the %(what)s must be a decimal number, not a float.")
                                % {"sku": sku, "what": what}, field="lines")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise InvalidQuotePrice(_("%(sku)s: the %(what)s is not a number: %(value)s")
                                % {"sku": sku, "what": what, "value": value}, field="lines")
    if abs(number) >= MAX_PRICE:
        raise InvalidQuotePrice(_("%(sku)s: the %(what)s is too large.") % {"sku": sku, "what": what},
                                field="lines")
    if number.as_tuple().exponent < -2 and number != number.quantize(Decimal("0.01")):
        raise InvalidQuotePrice(_("%(sku)s: the %(what)s may have at most two decimals.")
                                % {"sku": sku, "what": what}, field="lines")
    return number.quantize(Decimal("0.01"))


def unit_price(value, sku) -> Decimal | None:
    price = _decimal(value, sku=sku, what=_("net unit price"))
    if price is not None and price < 0:
        raise InvalidQuotePrice(_("%(sku)s: the net unit price cannot be negative.") % {"sku": sku}, field="lines")
    return price


def discount_percent(value, sku) -> Decimal | None:
    discount = _decimal(value, sku=sku, what=_("discount"))
    if discount is not None and not (0 <= discount <= 100):
        raise InvalidQuotePrice(_("%(sku)s: the discount must be between 0 and 100 %%.") % {"sku": sku},
                                field="lines")
    return discount


def clean_date(value, field):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidQuoteHeader(_("Enter a valid date (YYYY-MM-DD)."), field=field) from None


def clean_header(header: dict) -> dict:
    unknown = set(header) - set(HEADER_FIELDS)
    if unknown:
        raise InvalidQuoteHeader(_("Unknown field: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    clean = {}
    for field, value in header.items():
        if field in DATE_FIELDS:
            clean[field] = clean_date(value, field)
        elif field == "payment_method":
            value = value or ""
            if value and value not in PaymentAdjustment.Method.values:
                raise InvalidQuoteHeader(_("Unknown payment method: %(method)s") % {"method": value}, field=field)
            clean[field] = value
        elif field == "delivery_method":
            # A shipping method's code; whether the dealer may use it for these goods is asked when the quote is
            # priced (quote_drafts.price_shipping, through pricing.shipping_charge).
            value = str(value or "").strip()
            if len(value) > 40:
                raise InvalidQuoteHeader(_("Unknown delivery method: %(method)s") % {"method": value[:40]},
                                         field=field)
            clean[field] = value
        elif field == "shipping_insured":
            if value not in (None, "", True, False, "true", "false", "True", "False", "on", "1", "0", 1, 0):
                raise InvalidQuoteHeader(_("Say yes or no."), field=field)
            clean[field] = value in (True, "true", "True", "on", "1", 1)
        else:
            clean[field] = (value or "").strip()
    return clean


def clean_lines(lines) -> list[tuple[Product, Decimal, Decimal | None, Decimal | None]]:
    """QuoteLineInputs (or dicts / tuples of their fields) → [(product, quantity, net price, discount)], each checked;
    a product may appear once."""
    items = [line if isinstance(line, QuoteLineInput) else QuoteLineInput(**line) if isinstance(line, dict)
             else QuoteLineInput(*line) for line in lines]
    if len(items) > MAX_LINES:
        raise QuoteTooManyLines(_("A quote may have at most %(count)s lines.") % {"count": MAX_LINES}, field="lines")
    ids = [product_id_of(item.product) for item in items]
    products = load_products(ids)
    seen = set()
    clean = []
    for pk, item in zip(ids, items, strict=True):
        product = products[pk]
        if pk in seen:
            raise QuoteDuplicateProduct(_("%(sku)s is in the quote twice; give it one line.") % {"sku": product.sku},
                                        field="lines")
        seen.add(pk)
        quantity = checked_quantity(product, item.quantity)
        price = unit_price(item.unit_price, product.sku)
        discount = discount_percent(item.discount_percent, product.sku)
        if price is not None and discount is not None:
            raise InvalidQuotePrice(_("%(sku)s: give either a net unit price or a discount, not both.")
                                    % {"sku": product.sku}, field="lines")
        clean.append((product, quantity, price, discount))
    return clean
