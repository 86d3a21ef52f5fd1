"""Reads of orders shared by pages and API. Every read is scoped to the actor: its own cart for the dealer it acts
for, its dealer's saved lists; anything else answers 404."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from catalog.availability import EXACT, Availability, availability
from catalog.services import validate_quantity
from portal.errors import DomainError
from pricing.engine import PricedLine, PriceTotals, price_lines, summarize

from .models import Cart, CartLine, SavedList, SavedListLine

# What the checks and the pages read of a product; the long texts and search columns stay behind.
PRODUCT_FIELDS = ("id", "sku", "name", "unit", "min_order_quantity", "order_multiple", "active", "vat_rate",
                  "stock_quantity", "lead_time_days", "allow_backorder")
LINE_PRODUCT_FIELDS = tuple(f"product__{f}" for f in PRODUCT_FIELDS)


@dataclass(frozen=True)
class Row:
    """A cart or saved-list line with its price from the engine, and why it cannot be ordered as it is (if so)."""

    line: CartLine | SavedListLine
    price: PricedLine
    problem: str = ""
    availability: Availability | None = None  # catalog.availability of the line's quantity (its note: backorder)

    @property
    def product(self):
        return self.line.product

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class PricedLines:
    rows: list[Row]
    totals: PriceTotals

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def is_empty(self) -> bool:
        return not self.rows

    @property
    def orderable(self) -> bool:
        """Every line is sold, obeys the quantity rule and has a price: what checkout needs."""
        return bool(self.rows) and all(row.ok for row in self.rows)


@dataclass(frozen=True)
class CartView(PricedLines):
    cart: Cart | None = None


def _problem(line, price: PricedLine, stock: Availability) -> str:
    product = line.product
    if not product.active:
        return _("This product is no longer sold; remove it.")
    try:
        validate_quantity(product=product, quantity=line.quantity)
    except DomainError as exc:
        return str(exc.message)
    if not stock.can_deliver:  # the same rule as cards and quick order; take_stock refuses it at the last click
        return stock.problem
    if not price.priced:
        return _("No price for your account yet; ask your sales contact.")
    return ""


def price_rows(*, actor, lines, on=None, payment_method=None, installments=1) -> PricedLines:
    """Lines (with `.product` loaded) priced for the actor's dealer by the engine in one call, with totals."""
    lines = list(lines)
    priced = price_lines(dealer=actor.dealer, lines=[(line.product_id, line.quantity) for line in lines], on=on,
                         payment_method=payment_method, installments=installments) if lines else []
    display = EXACT if actor.is_staff else None
    rows = []
    for line, price in zip(lines, priced, strict=True):
        stock = availability(line.product, line.quantity, display=display)
        rows.append(Row(line=line, price=price, problem=_problem(line, price, stock), availability=stock))
    return PricedLines(rows=rows, totals=summarize(priced))


# --- the cart ----------------------------------------------------------------------------------------------------

def list_cart_lines(*, actor):
    return CartLine.objects.of(actor).select_related("product", "cart").only(
        "id", "cart_id", "product_id", "quantity", "added_at", "updated_at", "cart__id", "cart__user_id",
        "cart__dealer_id", "cart__created_at", "cart__updated_at", *LINE_PRODUCT_FIELDS)


def get_cart_view(*, actor, on=None, payment_method=None, installments=1) -> CartView:
    """The actor's cart priced by the price engine: lines with unit prices, reasons (`row.price.rules`), VAT and
    totals, and what stops a line from being ordered. A fixed number of queries whatever the number of lines:
    the lines with their products (1) and the engine's own fixed few."""
    lines = list(list_cart_lines(actor=actor))
    priced = price_rows(actor=actor, lines=lines, on=on, payment_method=payment_method, installments=installments)
    return CartView(rows=priced.rows, totals=priced.totals, cart=lines[0].cart if lines else None)


def cart_count_key(*, user_id, dealer_id) -> str:
    return f"orders:cart-count:{user_id}:{dealer_id}"


def cart_count_read_ahead(*, request) -> list[str]:
    """Hook portal.request_reads: the header shows the cart count to whoever may fill a cart."""
    from .permissions import can_use_cart

    actor = getattr(request, "actor", None)
    if actor is None or getattr(actor, "dealer", None) is None or not can_use_cart(actor):
        return []
    return [cart_count_key(user_id=actor.user.pk, dealer_id=actor.dealer.pk)]


def count_cart_lines(*, actor) -> int:
    """The number of lines in the actor's cart: the header shows it on every page, so it is kept in the cache
    and forgotten whenever a line of that cart is saved or deleted (orders.apps connects the signals)."""
    from django.core.cache import cache

    key = cart_count_key(user_id=actor.user.pk, dealer_id=actor.dealer.pk)
    count = cache.get(key)
    if count is None:
        count = CartLine.objects.of(actor).count()
        cache.set(key, count, 3600)
    return count


def forget_cart_count(sender, instance, **kwargs) -> None:
    from django.core.cache import cache
    from django.db import transaction

    cart = instance._state.fields_cache.get("cart")
    owner = (cart.user_id, cart.dealer_id) if cart is not None else cache.get(cart_owner_key(cart_id=instance.cart_id))
    if owner is None:
        owner = Cart.objects.filter(pk=instance.cart_id).values_list("user_id", "dealer_id").first()
    if owner:
        key = cart_count_key(user_id=owner[0], dealer_id=owner[1])
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))


def cart_owner_key(*, cart_id) -> str:
    return f"orders:cart-owner:{cart_id}"


def remember_cart_owner(*, cart) -> None:
    """Which user and dealer a cart belongs to never changes: kept so forgetting its count needs no query."""
    from django.core.cache import cache

    cache.set(cart_owner_key(cart_id=cart.pk), (cart.user_id, cart.dealer_id), None)


def get_cart_line(*, actor, pk) -> CartLine:
    return get_object_or_404(CartLine.objects.of(actor).select_related("product", "cart").only(
        "id", "cart_id", "product_id", "quantity", "cart__user_id", "cart__dealer_id", *LINE_PRODUCT_FIELDS), pk=pk)


# --- saved lists -------------------------------------------------------------------------------------------------

def list_saved_lists(*, actor):
    """The actor's dealer's saved lists, each with `line_count`, by name."""
    return (SavedList.objects.visible_to(actor).select_related("created_by")
            .annotate(line_count=Count("lines")).order_by("name", "pk"))


def get_saved_list(*, actor, pk) -> SavedList:
    return get_object_or_404(SavedList.objects.visible_to(actor).select_related("created_by"), pk=pk)


def list_saved_list_lines(*, saved_list):
    return saved_list.lines.select_related("product").only(
        "id", "saved_list_id", "product_id", "quantity", "added_at", *LINE_PRODUCT_FIELDS).order_by("added_at", "pk")


def get_saved_list_view(*, actor, saved_list) -> PricedLines:
    """The list's lines priced for the actor's dealer now (one engine call)."""
    return price_rows(actor=actor, lines=list_saved_list_lines(saved_list=saved_list))


def get_saved_list_line(*, actor, saved_list, pk) -> SavedListLine:
    return get_object_or_404(
        SavedListLine.objects.filter(saved_list=saved_list, saved_list__dealer=actor.dealer)
        .select_related("product", "saved_list").only("id", "saved_list_id", "product_id", "quantity",
                                                      "saved_list__id", "saved_list__dealer_id",
                                                      "saved_list__name", *LINE_PRODUCT_FIELDS), pk=pk)


# --- Orders --------------------------------------------------------------------------------------

ORDER_FILTERS = ("status", "date_from", "date_to", "sku", "po")


def list_orders(*, actor, filters: dict | None = None):
    """The actor's dealer's orders, newest first, filtered by status, placing date range, a SKU contained
    and the PO number (part of it). Another dealer's orders are never in it."""
    import datetime

    from .models import Order, OrderStatus

    filters = filters or {}
    orders = Order.objects.filter(dealer=actor.dealer).select_related("placed_by", "sub_status")
    status = filters.get("status")
    if status in OrderStatus.values:
        orders = orders.filter(status=status)
    for key, lookup in (("date_from", "created_at__date__gte"), ("date_to", "created_at__date__lte")):
        value = filters.get(key)
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                value = None
        if value:
            orders = orders.filter(**{lookup: value})
    sku = (filters.get("sku") or "").strip()
    if sku:
        orders = orders.filter(lines__sku__icontains=sku).distinct()
    po = (filters.get("po") or "").strip()
    if po:
        orders = orders.filter(po_number__icontains=po)
    return orders


def get_order(*, actor, number):
    """An order of the actor's dealer with its lines; 404 for anyone else's."""
    from django.db.models import Prefetch
    from django.shortcuts import get_object_or_404

    from .models import Order, OrderStatusChange

    return get_object_or_404(
        Order.objects.select_related("placed_by", "sub_status", "decided_by").prefetch_related(
            "lines", Prefetch("history", queryset=OrderStatusChange.objects.select_related("by", "sub_status"))),
        dealer=actor.dealer, number=number)


def dealer_history(*, order) -> list:
    """The moves a dealer sees: sub-statuses hidden from dealers are left out."""
    return [change for change in order.history.all() if change.visible_to_dealer()]


def get_order_line(*, actor, order, pk):
    from django.shortcuts import get_object_or_404

    from .models import OrderLine

    return get_object_or_404(OrderLine.objects.select_related("order"), order=order, pk=pk)


def list_returns(*, actor, order):
    from .models import ReturnRequest

    return ReturnRequest.objects.filter(order=order, order__dealer=actor.dealer).select_related("line").prefetch_related(
        "photos")


def get_return_photo(*, token):
    """A return's photo by the signed id of its download URL (404 for a forged one); who may see it is
    permissions.can_read_return's to say."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from portal.documents import unsign_id

    from .models import ReturnPhoto
    from .permissions import RETURN_PHOTO

    pk = unsign_id(RETURN_PHOTO, token)
    if pk is None or not pk.isdigit():
        raise Http404
    return get_object_or_404(ReturnPhoto.objects.select_related("return_request__order__dealer"), pk=int(pk))


def return_photo_url(*, photo) -> str:
    from django.urls import reverse

    from portal.documents import sign_id

    from .permissions import RETURN_PHOTO

    return reverse("orders:return_photo", args=[sign_id(RETURN_PHOTO, photo.pk)])
