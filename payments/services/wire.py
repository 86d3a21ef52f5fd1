"""Orders paid by wire transfer wait for their money: staff cannot confirm, process or ship one until finance has
recorded payments for it (record_payment(order=...)) that cover its total. The dealer's order page says how much to
transfer, where to, and with which reference."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from orders.models import OrderStatus, PaymentMethod
from portal.money import format_money

from ..errors import WirePaymentPending
from ..models import ZERO, Invoice, InvoiceStatus, Payment

__all__ = ["WAITING_MOVES", "WirePaymentPending", "guard_wire_order", "paid_for", "wire_outstanding"]

# The staff moves an order paid by wire transfer (or card: services.cards) waits for its money before.
S = OrderStatus
WAITING_MOVES = (S.CONFIRMED, S.PROCESSING, S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED)


def paid_for(order) -> Decimal:
    """What pays `order`: what its invoices (one, or one per shipment) have settled (a void invoice no longer points
    at its order) plus the money recorded for the order that is still unallocated, which is kept for it
    (allocation.reserved_for). Money recorded for the order but spent on another invoice does not count: one payment
    never pays twice."""
    settled = Invoice.objects.filter(order=order).exclude(status=InvoiceStatus.VOID).aggregate(
        total=Sum("settled"))["total"] or ZERO
    waiting = Payment.objects.filter(order=order).aggregate(
        total=Sum(F("amount") - F("refunded") - F("allocated")))["total"] or ZERO
    return settled + waiting


def wire_outstanding(order) -> Decimal:
    """What is still to be received for a wire-transfer order (zero for other methods)."""
    if order.payment_method != PaymentMethod.WIRE:
        return ZERO
    return max(order.total_gross - paid_for(order), ZERO)


def guard_wire_order(*, order, previous, to, actor) -> None:
    """orders' status guard (`orders.order.guard`, registered in payments.apps)."""
    to_status = to
    if to_status in WAITING_MOVES and order.payment_method == PaymentMethod.WIRE:
        outstanding = wire_outstanding(order)
        if outstanding > 0:
            raise WirePaymentPending(
                _("Order %(number)s waits for its wire transfer: %(amount)s still to be received. Record the payment "
                  "against the order first.") % {"number": order.number,
                                                  "amount": format_money(outstanding, order.currency)},
                field="status")
