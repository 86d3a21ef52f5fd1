"""The cart: add lines, change a quantity, remove a line, clear it. One cart per user and dealer; every write locks
the cart row, so parallel additions of one product end in one line with the summed quantity. Writes by an agent
acting for a dealer leave an audit row naming both."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit

from ..errors import NotAllowed
from ..models import Cart, CartLine
from ..selectors import remember_cart_owner
from .lines import (
    AddedLine,
    CheckedLine,
    LineProblem,
    check_lines,
    check_quantity,
    merge_lines,
    quantity_text,
    require_cart,
)


def _lock_cart(actor) -> Cart:
    """The actor's cart for its dealer, created when missing, locked until the transaction ends."""
    cart, _created = Cart.objects.select_for_update().get_or_create(user=actor.user, dealer=actor.dealer)
    remember_cart_owner(cart=cart)
    return cart


def _audit(actor, action, cart, **data):
    # A dealer's own users fill their carts all day; what an agent does for a dealer is recorded.
    if actor.on_behalf:
        audit.record(actor=actor.user, action=action, target=cart, dealer=actor.dealer, data=actor.audit_data(**data))


def _touch(cart):
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


def _own_line(actor, line: CartLine):
    if line.cart.user_id != actor.user.pk or line.cart.dealer_id != actor.dealer.pk:
        raise NotAllowed(_("This line is not in your cart."))


def add_checked_lines_to_cart_unchecked(*, actor, checked: list[CheckedLine]):
    """Add lines already checked by check_lines / quick order. Skips the role check: callers did it."""
    if not checked:
        return [], []
    with transaction.atomic():
        cart = _lock_cart(actor)
        added, problems = merge_lines(model=CartLine, parent_field="cart", parent=cart, checked=checked, stock=True,
                                      display="exact" if actor.is_staff else None)
        if added:
            _touch(cart)
            _audit(actor, "cart.lines_added", cart,
                   lines=[[a.product.sku, quantity_text(a.quantity)] for a in added])
    return added, problems


def add_lines_to_cart(*, actor, lines) -> tuple[list[AddedLine], list[LineProblem]]:
    """Add [(product or product id, quantity), …] to the actor's cart: a product already there grows by the
    quantity. Each line is checked alone (sold, minimum, multiples, unit); the good ones are added in one
    transaction, the others come back as problems numbered by position. Returns (added, problems).

    For quick order, "order again" from a past order, a saved list, a quote. Raises NoDealer, DealerNotApproved or
    NotAllowed when the actor may not fill a cart at all.
    """
    require_cart(actor)
    checked, problems = check_lines(lines)
    added, more = add_checked_lines_to_cart_unchecked(actor=actor, checked=checked)
    return added, sorted(problems + more, key=lambda p: p.line)


def add_to_cart(*, actor, product, quantity) -> CartLine:
    """Add one product; raises the line's problem as its DomainError (for a single add button or API call)."""
    require_cart(actor)
    checked, problems = check_lines([(product, quantity)])
    if problems:
        raise problems[0].error
    added, problems = add_checked_lines_to_cart_unchecked(actor=actor, checked=checked)
    if problems:
        raise problems[0].error
    return CartLine.objects.select_related("product").get(cart__user=actor.user, cart__dealer=actor.dealer,
                                                          product=added[0].product)


def set_cart_line_quantity(*, actor, line: CartLine, quantity) -> CartLine:
    """Change a line's quantity (the one quantity rule); the product must still be sold."""
    require_cart(actor)
    _own_line(actor, line)
    value = check_quantity(line.product, quantity)
    with transaction.atomic():
        cart = _lock_cart(actor)
        before = line.quantity
        updated = CartLine.objects.filter(pk=line.pk, cart=cart).update(quantity=value, updated_at=timezone.now())
        if not updated:
            raise NotAllowed(_("This line is not in your cart."))
        _touch(cart)
        _audit(actor, "cart.quantity_changed", cart, sku=line.product.sku, before=quantity_text(before),
               after=quantity_text(value))
    line.quantity = value
    return line


def remove_cart_line(*, actor, line: CartLine) -> None:
    require_cart(actor)
    _own_line(actor, line)
    with transaction.atomic():
        cart = _lock_cart(actor)
        deleted, _detail = CartLine.objects.filter(pk=line.pk, cart=cart).delete()
        if deleted:
            _touch(cart)
            _audit(actor, "cart.line_removed", cart, sku=line.product.sku, quantity=quantity_text(line.quantity))


def clear_cart(*, actor) -> int:
    """Empty the actor's cart; the number of lines removed."""
    require_cart(actor)
    with transaction.atomic():
        cart = _lock_cart(actor)
        deleted, _detail = CartLine.objects.filter(cart=cart).delete()
        if deleted:
            _touch(cart)
            _audit(actor, "cart.cleared", cart, lines=deleted)
    return deleted
