"""What the price engine takes and gives: quantities in, priced lines and their totals out."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.services import MAX_QUANTITY
from portal.money import DEFAULT_CURRENCY, to_decimal

from ..errors import InvalidQuantity, UnknownProduct

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rule:
    """One step of a price, in the order applied. `amount` is the unit price AFTER this step (net, 0.01).

    kind: "market" | "segment" | "contract" | "break" | "campaign" | "payment". `label` names the step in the
    active language, `detail` says which list / break / campaign / method and by how much.
    """

    kind: str
    label: str
    amount: Decimal
    detail: str = ""


class Break(NamedTuple):
    """One row of the quantity-break table of a product: from `min_quantity` on, `unit_price`."""

    min_quantity: Decimal
    unit_price: Decimal


class AppliedCampaign(NamedTuple):
    name: str
    ends_at: datetime.datetime


@dataclass(frozen=True)
class PricedLine:
    """A priced line. Money fields are Decimal quantized to 0.01; None where `priced` is False."""

    product_id: int
    sku: str
    name: str
    quantity: Decimal
    currency: str
    unit_price: Decimal | None
    market_price: Decimal | None
    rules: list = field(default_factory=list)
    campaign: AppliedCampaign | None = None
    breaks: list = field(default_factory=list)
    line_net: Decimal | None = None
    vat_rate: Decimal = Decimal("20.00")
    vat_amount: Decimal | None = None
    line_gross: Decimal | None = None
    saving: Decimal = ZERO
    priced: bool = False
    price_list_id: int | None = None  # the list the base price came from (for order snapshots)


@dataclass(frozen=True)
class PriceTotals:
    currency: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    saving: Decimal
    all_priced: bool


def summarize(lines) -> PriceTotals:
    """Totals of priced lines: sums of the already rounded line amounts (never re-rounded)."""
    priced = [line for line in lines if line.priced]
    currency = priced[0].currency if priced else DEFAULT_CURRENCY
    return PriceTotals(
        currency=currency,
        net=sum((line.line_net for line in priced), ZERO),
        vat=sum((line.vat_amount for line in priced), ZERO),
        gross=sum((line.line_gross for line in priced), ZERO),
        saving=sum((line.saving for line in priced), ZERO),
        all_priced=len(priced) == len(lines),
    )


# ---------------------------------------------------------------------------------------------- input


def to_quantity(value) -> Decimal:
    """A positive, finite Decimal quantity from a Decimal/int/str. Floats are refused."""
    if value is None or isinstance(value, bool):
        raise InvalidQuantity(_("Not a quantity: %(value)s") % {"value": value}, field="quantity")
    try:
        quantity = to_decimal(value)
    except TypeError as exc:
        raise InvalidQuantity(_("Quantities must not be floats."), field="quantity") from exc
    except ValueError as exc:
        raise InvalidQuantity(_("Not a quantity: %(value)s") % {"value": value}, field="quantity") from exc
    if not quantity.is_finite() or quantity <= 0:
        raise InvalidQuantity(_("The quantity must be more than zero: %(value)s") % {"value": value},
                              field="quantity")
    if quantity >= MAX_QUANTITY or quantity.as_tuple().exponent < -3:
        # The catalog's bounds: no order line could hold more (catalog.services.quantity_value).
        raise InvalidQuantity(_("Enter a quantity greater than zero (up to three decimals)."), field="quantity")
    return quantity


def to_product_id(item, *, field="product") -> int:
    """The product id of a Product, an int or a string of digits; else UnknownProduct on `field`."""
    if isinstance(item, Product):
        return item.pk
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    if isinstance(item, str) and item.strip().isdecimal():
        return int(item)
    raise UnknownProduct(_("Not a product: %(value)s") % {"value": item}, field=field)


def format_quantity(value: Decimal) -> str:
    """`10`, `2.5`, `0.335`: a Decimal without trailing zeros and never in exponent form ("1E+1")."""
    return f"{value.normalize():f}"
