"""Hook points of orders: where later stages (payments) plug in without orders importing them.

Declared here:
- `orders.commitment(order, actor, previous_total)`: inside the order's transaction, when `order` (saved with its
  new total and status) starts to count or counts more: placed at checkout/API/quote, approved, changed upwards.
  Raise a DomainError to refuse; everything rolls back (payments: the credit limit, a card's authorised amount).
- `orders.payment_methods_allowed(dealer)` (collect): a set of payment method codes the dealer may use, or None for
  all; checkout offers the intersection (payments: the credit account's methods).
- `orders.payment_methods_unavailable(dealer)` (collect): {method code: why it cannot be used now}; checkout shows
  such a method disabled with the reason, the first reason given wins (payments: on account without a limit).

Declared by the lifecycles in orders.models (portal.lifecycle gives every lifecycle two points):
- `orders.order.guard(order, previous, to, actor)` before an order moves (payments: a wire or card order waits for
  its money), `orders.order.moved(order, previous, actor)` after it moved (payments: invoices, card capture and
  release);
- `orders.return.guard(rma, previous, to, actor)`, `orders.return.moved(rma, previous, actor)` (payments: the credit
  note of an approved return).

Later stages register on them in their AppConfig.ready() (payments/apps.py)."""
from __future__ import annotations

from portal import hooks

commitment = hooks.point(
    "orders.commitment", args=("order", "actor", "previous_total"),
    doc="An order starts to count or counts more (placed, approved, changed upwards): raise a DomainError to refuse.")

payment_methods_allowed = hooks.point(
    "orders.payment_methods_allowed", args=("dealer",),
    doc="The payment method codes the dealer may use (a set), or None for all; checkout offers the intersection.")

payment_methods_unavailable = hooks.point(
    "orders.payment_methods_unavailable", args=("dealer",),
    doc="{payment method code: why the dealer cannot use it now}; checkout shows it disabled with the first reason.")


def allowed_payment_methods(dealer) -> set | None:
    """The intersection of what every registered function allows (None: every method)."""
    allowed = None
    for methods in payment_methods_allowed.collect(dealer=dealer):
        if methods is not None:
            allowed = set(methods) if allowed is None else allowed & set(methods)
    return allowed


def unavailable_payment_methods(dealer) -> dict:
    """{method: reason} merged from every registered function; the first reason given for a method wins."""
    reasons = {}
    for answer in payment_methods_unavailable.collect(dealer=dealer):
        for method, reason in (answer or {}).items():
            reasons.setdefault(method, reason)
    return reasons
