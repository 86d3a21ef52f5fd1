"""Short-shipping (issue 14, section 2): staff cancel the rest of one or more lines of an order that will never ship.

What is still to ship of a line is the shipping stage's knowledge (its shipments): shipping's `short_ship` works it
out under the order's lock and calls `cancel_rest` here with the quantities to cancel and the status the order takes
(`shipped` when every line is now shipped or cancelled, `delivered` when every shipment has also arrived,
`cancelled` when nothing at all was shipped, else its own status). Orders keeps its own rules: a line never cancels
more than it has not cancelled yet, stock taken for what will not ship goes back, the order's history, audit and the
dealer's mail say what was cancelled. The cancelled quantity stays on the line (`short_shipped_quantity`); the
order's totals keep what was ordered, and what counts against credit leaves it out (payments)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from catalog.services import release_stock
from dealers import permissions
from portal import locks, outbox

from .. import permissions as order_permissions
from ..errors import NotAllowed, RestNotCancellable
from ..models import HOLDS_STOCK, ORDER, OrderLine, OrderStatus
from .ordering import lock_order
from .shared import dealer_users_who, mail_context

S = OrderStatus
# Orders whose rest may be cancelled: the ones that ship (the shipping stage's shippable statuses).
CANCELLABLE_REST = (S.CONFIRMED, S.PROCESSING, S.PARTIALLY_SHIPPED)
QUANTUM = Decimal("0.001")


def _plain(quantity: Decimal) -> str:
    text = f"{quantity:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _quantity(value, line) -> Decimal:
    try:
        quantity = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        quantity = None
    if quantity is None or not quantity.is_finite() or quantity < 0 or quantity != quantity.quantize(QUANTUM):
        raise RestNotCancellable(_("%(sku)s: the quantity must be a number of at most three decimals, not below "
                                   "zero.") % {"sku": line.sku}, field="lines")
    return quantity


@locks.retry_when_busy
def cancel_rest(*, actor, order, quantities: dict, note: str, status=None):
    """Staff cancel `quantities` {order line id: quantity} of `order` that will never ship, with a `note` saying why.
    Each line's `short_shipped_quantity` grows (never past what it has not cancelled yet), stock taken for what is
    cancelled goes back, and the order moves to `status` when given (the shipping stage's answer) — one history row
    with the note, the audit row, the later stages' listeners (payments releases what no longer counts), and one mail
    to the dealer. Returns the order."""
    if not order_permissions.may_set_status(actor, order):
        raise NotAllowed(_("Only staff cancel what will not ship."))
    note = (note or "").strip()
    if not note:
        raise RestNotCancellable(_("Say why the rest will not ship."), field="note")
    with transaction.atomic():
        order = lock_order(order)
        if order.status not in CANCELLABLE_REST:
            raise RestNotCancellable(
                _("Order %(number)s is “%(status)s”: only what a confirmed, processing or partially shipped order "
                  "has not shipped can be cancelled.") % {"number": order.number,
                                                         "status": order.get_status_display()})
        lines = {line.pk: line for line in order.lines.all()}
        cancelled = {}
        for line_id, value in (quantities or {}).items():
            line = lines.get(int(line_id)) if str(line_id).isdecimal() else None
            if line is None:
                raise RestNotCancellable(_("Line %(line)s is not a line of order %(number)s.")
                                         % {"line": line_id, "number": order.number}, field="lines")
            quantity = _quantity(value, line)
            open_rest = line.quantity - line.short_shipped_quantity
            if quantity > open_rest:
                raise RestNotCancellable(_("%(sku)s: %(quantity)s is more than the %(rest)s not cancelled yet.")
                                         % {"sku": line.sku, "quantity": _plain(quantity), "rest": _plain(open_rest)},
                                         field="lines")
            if quantity:
                cancelled[line.pk] = quantity
        if not cancelled:
            raise RestNotCancellable(_("Cancel at least one line: every quantity is zero."), field="lines")
        released = {}
        for line_id, quantity in cancelled.items():
            line = lines[line_id]
            line.short_shipped_quantity += quantity
            # The line still needs what it ordered less what will never ship: stock taken beyond that goes back.
            still_needed = line.quantity - line.short_shipped_quantity
            if order.status in HOLDS_STOCK and line.stock_taken > still_needed:
                released[line.product_id] = released.get(line.product_id, Decimal(0)) + line.stock_taken - still_needed
                line.stock_taken = still_needed
        if released:
            locks.stock_rows(released)
            release_stock(quantities=released)
        OrderLine.objects.bulk_update([lines[pk] for pk in cancelled], ["short_shipped_quantity", "stock_taken"])
        summary = "; ".join(f"{lines[pk].sku} × {_plain(quantity)}" for pk, quantity in cancelled.items())
        history_note = _("Cancelled, will not ship: %(lines)s. %(note)s") % {"lines": summary, "note": note}
        previous = order.status
        target = S(status) if status else previous
        fields = []
        if target != previous:
            order.sub_status = None
            fields.append("sub_status")
        ORDER.move(order, to=target, actor=actor, note=history_note, fields=fields, check=target != previous,
                   audit_action="order.rest_cancelled", dealer=order.dealer,
                   audit_data={"number": order.number, "cancelled": {lines[pk].sku: str(q) for pk, q in
                                                                     cancelled.items()},
                               "released": {str(pk): str(q) for pk, q in released.items()}})
        _notify_rest_cancelled(order, [lines[pk] for pk in cancelled], cancelled, note)
    return order


def _notify_rest_cancelled(order, lines, cancelled, note):
    recipients = {order.placed_by.pk: order.placed_by} if order.placed_by.dealer_id == order.dealer_id else {}
    for user in dealer_users_who(order.dealer, permissions.APPROVE_ORDERS):
        recipients.setdefault(user.pk, user)
    rows = [{"sku": line.sku, "name": line.name, "quantity": _plain(cancelled[line.pk])} for line in lines]
    for user in recipients.values():
        with translation.override(user.language or None):
            label = str(S(order.status).label)
        outbox.notify(to=user, template="orders/rest_cancelled", context=mail_context(
            order, first_name=user.first_name, status_label=label, lines=rows, note=note))
