"""What cart and saved-list writes share: who may write, how input lines are checked (the one quantity rule of
catalog.services.validate_quantity, inactive products refused) and how a refused line is reported."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.availability import require_deliverable
from catalog.models import Product
from catalog.services import validate_quantity
from portal.errors import DomainError

from .. import permissions
from ..errors import DealerNotApproved, NoDealer, NotAllowed, ProductUnavailable, QuantityTooLarge, UnknownProduct
from ..models.cart import QUANTITY_DIGITS, QUANTITY_PLACES
from ..selectors import PRODUCT_FIELDS  # noqa: F401  (the checks read these; importers find it here too)

MAX_QUANTITY = Decimal(10) ** (QUANTITY_DIGITS - QUANTITY_PLACES)


@dataclass(frozen=True)
class LineProblem:
    """A refused input line: its number (pasted line, spreadsheet row, or position from 1), SKU, the error (a
    DomainError with a code) and the text as typed (to show it back for correction)."""

    line: int
    sku: str
    error: DomainError
    text: str = ""

    @classmethod
    def of(cls, number, sku, exc: DomainError, text=""):
        return cls(line=number, sku=sku, error=exc, text=text)

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def message(self) -> str:
        return str(self.error.message)


@dataclass(frozen=True)
class AddedLine:
    """An input line that was added: its number, the product, the quantity it added, the line's total afterwards."""

    line: int
    product: Product
    quantity: Decimal
    total: Decimal


@dataclass(frozen=True)
class CheckedLine:
    line: int
    product: Product
    quantity: Decimal
    text: str = ""


def require_cart(actor) -> None:
    """Refuse unless the actor may fill its cart and use the dealer's saved lists (checked by every service)."""
    if actor is None or actor.dealer is None:
        raise NoDealer(_("Choose a dealer to act for first."))
    if not actor.dealer.is_approved:
        raise DealerNotApproved(_("Your company is not approved; it cannot order yet."))
    if not permissions.can_use_cart(actor):
        raise NotAllowed(_("Your role does not allow this."))


def check_quantity(product: Product, quantity) -> Decimal:
    """The product is sold and the quantity obeys its minimum, multiples and unit; the quantity as a Decimal. No
    quantity (None, "") means the product's minimum order quantity: the one place that default is taken."""
    if not product.active:
        raise ProductUnavailable(_("%(sku)s is no longer sold.") % {"sku": product.sku}, field="product")
    if quantity is None or (isinstance(quantity, str) and not quantity.strip()):
        quantity = product.min_order_quantity
    return validate_quantity(product=product, quantity=quantity)


def check_total(product: Product, before: Decimal, quantity: Decimal) -> Decimal:
    """What a line holds after adding `quantity` to `before`, checked like any quantity."""
    total = before + quantity
    if total >= MAX_QUANTITY:
        raise QuantityTooLarge(_("That would make %(quantity)s, more than one line can hold.") % {
            "quantity": f"{total.normalize():f}"}, field="quantity")
    if before:
        try:
            validate_quantity(product=product, quantity=total)
        except DomainError as exc:  # the rules changed since the line was added
            raise type(exc)(_("With the %(before)s already there: %(error)s") % {
                "before": f"{before.normalize():f}", "error": exc.message}, field="quantity") from exc
    return total


def product_id_of(item):
    if isinstance(item, Product):
        return item.pk
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    if isinstance(item, str) and item.strip().isdecimal():
        return int(item.strip())
    return None


def check_lines(lines) -> tuple[list[CheckedLine], list[LineProblem]]:
    """[(product or product id, quantity), …] → the lines that may be added and the problems of the others
    (numbered by position from 1). Products are read again in one query, so a stale instance cannot pass."""
    lines = list(lines)
    ids = {product_id_of(item) for item, _q in lines} - {None}
    products = {p.pk: p for p in Product.objects.filter(pk__in=ids).only(*PRODUCT_FIELDS)} if ids else {}
    checked, problems = [], []
    for number, (item, quantity) in enumerate(lines, start=1):
        product = products.get(product_id_of(item))
        sku = product.sku if product else getattr(item, "sku", str(item))
        if product is None:
            problems.append(LineProblem.of(number, sku, UnknownProduct(_("No such product."), field="product")))
            continue
        try:
            value = check_quantity(product, quantity)
        except DomainError as exc:
            problems.append(LineProblem.of(number, sku, exc))
            continue
        checked.append(CheckedLine(number, product, value))
    return checked, problems


def merge_lines(*, model, parent_field: str, parent, checked, stock=False,
                display=None) -> tuple[list[AddedLine], list[LineProblem]]:
    """Add checked lines to a locked cart or saved list: an existing product's quantity grows, a new one gets a line.
    The caller holds the lock on `parent` (so two additions of one product at once end in one summed line).
    `stock`: a line's new total must also be deliverable (catalog.availability: the cart and quick order refuse a
    product that is not available, or more than can be delivered, at once; a saved list keeps any quantity)."""
    ids = {line.product.pk for line in checked}
    existing = {line.product_id: line for line in model.objects.filter(**{parent_field: parent}, product_id__in=ids)}
    new, changed, added, problems = {}, {}, [], []
    for line in checked:
        current = existing.get(line.product.pk)
        before = current.quantity if current is not None else Decimal(0)
        try:
            total = check_total(line.product, before, line.quantity)
            if stock:
                require_deliverable(product=line.product, quantity=total, before=before, display=display)
        except DomainError as exc:
            problems.append(LineProblem.of(line.line, line.product.sku, exc, line.text))
            continue
        if current is None:
            current = existing[line.product.pk] = new[line.product.pk] = model(
                **{parent_field: parent}, product=line.product, quantity=total)
        else:
            current.quantity = total
            if current.pk is not None:
                changed[current.pk] = current
        added.append(AddedLine(line.line, line.product, line.quantity, total))
    if new:
        model.objects.bulk_create(new.values())
        # bulk_create sends no post_save: tell the header's cached count of this cart (or list) itself.
        post_save_bulk(model, next(iter(new.values())))
    if changed:
        fields = ["quantity"]
        if any(f.name == "updated_at" for f in model._meta.fields):
            now = timezone.now()
            for line in changed.values():
                line.updated_at = now
            fields.append("updated_at")
        model.objects.bulk_update(changed.values(), fields)
    return added, problems


def post_save_bulk(model, instance) -> None:
    from django.db.models.signals import post_save

    post_save.send(sender=model, instance=instance, created=True, raw=False, using="default", update_fields=None)


def quantity_text(value: Decimal) -> str:
    return f"{value.normalize():f}"
