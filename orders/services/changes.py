"""Moves of placed orders: staff along the lifecycle (with admin-defined sub-statuses), dealers' changes of
quantities and cancellations until processing starts. Every move locks the order and goes through ORDER.move (the
transitions table, the later stages' guards and listeners, the history and audit rows); stock follows
(shared.take_order_stock / release_order_stock)."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from catalog.errors import InvalidQuantity
from catalog.services import validate_quantity
from catalog.skus import parse_quantity
from dealers import permissions
from portal import locks, outbox
from portal.errors import UnknownStatus

from .. import hooks
from .. import permissions as order_permissions
from ..errors import InvalidCheckout, NoLines, NotAllowed, OrderNotChangeable, OverOrderLimit, StatusNotAllowed
from ..models import CHANGEABLE, HOLDS_STOCK, ORDER, Order, OrderStatus, SubStatus
from .ordering import FixedPrice, lock_order, needs_approval, order_totals, priced_rows
from .shared import dealer_users_who, mail_context, release_order_stock, take_order_stock

S = OrderStatus


# --- status moves (staff) ------------------------------------------------------------------------------

def staff_moves(status) -> list:
    """The statuses staff may move an order to from `status`: the transitions table, less the move out of
    "waiting for approval" to "placed", which only the dealer's approver makes (ordering.approve_order)."""
    return [to for to in ORDER.targets(status) if not (status == S.PENDING_APPROVAL and to == S.PLACED)]


@locks.retry_when_busy
def set_status(*, actor, order, status, sub_status: SubStatus | None = None, note="", note_internal=False,
               notify: bool = True) -> Order:
    """Staff move an order along design.md's lifecycle (and/or set an admin-defined sub-status: a change within the
    same status is recorded in the history too). Cancelling gives the stock back. The dealer is mailed when the move
    is a main status or a sub-status that says so. An internal note (`note_internal`) stays with staff: never on the
    dealer's page, in its mail or in the API. `notify=False`: the caller tells the dealer itself (a shipment's own
    mail, with its parcels, says that the order shipped)."""
    if not order_permissions.may_set_status(actor, order):
        raise NotAllowed(_("Only staff set order statuses."))
    if status not in S.values:
        raise UnknownStatus(_("Unknown status."), field="status")
    with transaction.atomic():
        order = lock_order(order)
        previous = order.status
        if status != previous and not ORDER.allowed(previous, status):
            refusal = ORDER.refusal(previous, status)
            refusal.field = "status"
            raise refusal
        if previous == S.PENDING_APPROVAL and status == S.PLACED:
            # Approval takes the stock and passes the credit check (ordering.approve_order): not a bare move.
            raise StatusNotAllowed(_("Order %(number)s waits for its company's approver; it is placed when they "
                                     "approve it.") % {"number": order.number}, field="status")
        if sub_status is not None and sub_status.status and sub_status.status != status:
            raise StatusNotAllowed(_("This sub-status belongs to “%(status)s”.") % {
                "status": S(sub_status.status).label}, field="sub_status")
        if status == previous and sub_status == order.sub_status:
            return order
        if status == S.CANCELLED and previous in HOLDS_STOCK:
            release_order_stock(order)
        order.sub_status = sub_status if status == previous or sub_status is not None else None
        # A sub-status within the same status is no move: recorded without the table and the guards (check=False).
        ORDER.move(order, to=status, actor=actor, note=note, fields=["sub_status"], check=status != previous,
                   history={"sub_status": sub_status, "note_internal": bool(note_internal and note)},
                   audit_action="order.status", dealer=order.dealer,
                   audit_data={"number": order.number, "sub_status": sub_status.code if sub_status else None,
                               "note_internal": bool(note_internal and note)})
        mails_sub_status = sub_status is not None and sub_status.visible_to_dealer and sub_status.notify_dealer
        if notify and (status != previous or mails_sub_status):
            _notify_status(order, sub_status if sub_status and sub_status.visible_to_dealer else None,
                           "" if note_internal else note)
    return order


def _notify_status(order, sub_status, note):
    recipients = {order.placed_by.pk: order.placed_by} if order.placed_by.dealer_id == order.dealer_id else {}
    for user in dealer_users_who(order.dealer, permissions.APPROVE_ORDERS):
        recipients.setdefault(user.pk, user)
    for user in recipients.values():
        with translation.override(user.language or None):
            label = str(S(order.status).label)
        outbox.notify(to=user, template="orders/status_changed", context=mail_context(
            order, first_name=user.first_name, status_label=label,
            sub_status=sub_status.label(user.language) if sub_status else "", note=note))


# --- changes and cancellation by the dealer -------------------------------------------------------------

@locks.retry_when_busy
def cancel_order(*, actor, order, note="") -> Order:
    """The dealer cancels an order that is not yet processing; its stock goes back."""
    order_permissions.require_change(actor, order)
    with transaction.atomic():
        order = lock_order(order)
        if order.status not in CHANGEABLE:
            raise OrderNotChangeable(_("Order %(number)s is already being processed; ask us to cancel it.")
                                     % {"number": order.number})
        if order.status in HOLDS_STOCK:
            release_order_stock(order)
        order.sub_status = None
        # The move runs the later stages' guards and listeners (payments releases a card authorisation at once).
        ORDER.move(order, to=S.CANCELLED, actor=actor, note=note, fields=["sub_status"],
                   audit_action="order.cancelled", audit_data={"number": order.number}, dealer=order.dealer)
        outbox.notify_staff(template="orders/staff_cancelled", context=mail_context(order, note=note))
    return order


def _new_quantity(value) -> Decimal:
    """A new quantity as typed on the page or sent to the API ("3", "2,5", 0 to remove); never a float."""
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidQuantity(_("Not a quantity: %(value)s") % {"value": value}, field="lines")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    text = str(value or "").strip()
    if text in ("0", "0.0", "0,0"):
        return Decimal(0)
    return parse_quantity(text)


@locks.retry_when_busy
def change_order_quantities(*, actor, order, quantities: dict) -> Order:
    """New quantities `{line id: quantity as typed or Decimal}` (0 removes the line) while the order is not yet processing. Lines
    are re-priced by the engine (a quoted order keeps its quoted unit prices), stock follows the difference,
    and a buyer may not take the order past its own limit."""
    order_permissions.require_change(actor, order)
    with transaction.atomic():
        # The lock order (portal/locks.py): the credit account (a change upwards commits more), the order, its stock.
        locks.credit_account(order.dealer_id)
        order = lock_order(order)
        if order.status not in CHANGEABLE:
            raise OrderNotChangeable(_("Order %(number)s is already being processed; it cannot be changed.")
                                     % {"number": order.number})
        lines = {line.pk: line for line in order.lines.select_related("product")}
        wanted = {}
        for pk, quantity in quantities.items():
            line = lines.get(int(pk)) if str(pk).isdecimal() else None
            if line is None:
                raise InvalidCheckout(_("This line is not in the order."), field="lines")
            wanted[line.pk] = _new_quantity(quantity)
        new = [(line.product, wanted.get(line.pk, line.quantity)) for line in lines.values()]
        kept = [(product, quantity) for product, quantity in new if quantity != 0]
        if not kept:
            raise NoLines(_("An order needs at least one line; cancel it instead."), field="lines")
        for product, quantity in kept:
            if quantity < 0:
                raise InvalidCheckout(_("A quantity cannot be negative."), field="lines")
            validate_quantity(product=product, quantity=quantity)
        fixed = None
        if order.quote_number:
            fixed = {line.product_id: FixedPrice(line.unit_price, line.market_price, line.rules)
                     for line in lines.values()}
        rows = priced_rows(actor, kept, payment_method=order.payment_method, installments=order.installments,
                       fixed=fixed)
        # The shipping charge was fixed when the order was placed: a change of quantities keeps it.
        kept_shipping = hooks.ShippingOption(code=order.shipping_method, label=order.shipping_label,
                                             charge_net=order.shipping_net, charge_vat=order.shipping_vat)
        net, vat, gross = order_totals(rows, kept_shipping)
        if order.status != S.PENDING_APPROVAL and needs_approval(actor, gross):
            raise OverOrderLimit(_("The new total %(total)s is above your order limit; ask an approver to change it.")
                                 % {"total": gross}, field="lines")
        holds = order.status in HOLDS_STOCK
        if holds:
            locks.stock_rows(line.product_id for line in lines.values())
            release_order_stock(order)  # and take the new quantities below, under the same locks
        by_product = {r["product"].pk: r for r in rows}
        changes = []
        for line in lines.values():
            row = by_product.get(line.product_id)
            if row is None:
                changes.append([line.sku, str(line.quantity), "0"])
                line.delete()
                continue
            if row["quantity"] != line.quantity or row["unit_price"] != line.unit_price:
                changes.append([line.sku, str(line.quantity), str(row["quantity"])])
            for name in ("quantity", "unit_price", "market_price", "line_net", "line_vat", "rules"):
                setattr(line, name, row[name])
            line.save()
        if holds:
            take_order_stock(order)
        previous_total = order.total_gross
        order.total_net, order.total_vat, order.total_gross = net, vat, gross
        order.save(update_fields=["total_net", "total_vat", "total_gross", "updated_at"])
        if holds and gross > previous_total:
            hooks.commitment.run(order=order, actor=actor, previous_total=previous_total)
        note = "; ".join(f"{sku}: {old} → {new}" for sku, old, new in changes)
        # No move: the change is recorded in the order's history as a row within its status (check=False).
        ORDER.move(order, to=order.status, actor=actor, note=_("Changed: %(changes)s") % {"changes": note},
                   check=False, audit_action="order.changed", dealer=order.dealer,
                   audit_data={"number": order.number, "changes": changes, "total": str(gross)})
    return order
