"""Invoices per shipment (issue 14, section 6): with INVOICE_ON=shipped each outbound shipment is invoiced for what it
carries when it leaves, the order's shipping charge on the first one; an order shipped in three parts has three
invoices, adding up exactly to the order (payments.services.issue_invoice_for pro-rates each line).

Registered in ShippingConfig.ready():
- `invoice_on_shipment_moved` on `shipping.shipment.moved`: a shipment that moves to shipped gets its invoice, inside
  the move's transaction (`shipment.invoice`). The order moved first (move_shipment makes the order follow before the
  shipment moves), and payments' listener on the order's move left the order to us (below).
- `invoiced_by_parts` on `payments.invoiced_by_parts`: an order with outbound shipments is invoiced per shipment, so
  payments does not invoice it as a whole when it reaches partially shipped or shipped. An order moved to shipped by
  staff without any shipment is invoiced whole, as before; with INVOICE_ON=confirmed the whole order is invoiced at
  confirmation and its shipments get no invoice.
- `withdraw_invoice_on_return` on `shipping.shipment.moved`: a shipment that comes back undelivered (`returned`) no
  longer counts as shipped (its quantities are to ship again, shipments.py), so its invoice is taken back through
  payments' withdraw_invoice_unchecked: voided (void_invoice's own path) when nothing settles it, else cancelled by a
  credit note for the whole invoice (payments refuses to void a settled invoice, and a credit note is how payments
  already gives money back; the payments on it become free again, money kept for the order paying its next invoice).
  Either way the invoice lets go of its order, so the goods are invoiced again on the shipment that carries them
  next, the shipping charge with them when the taken-back invoice had it, and exposure stays the order's total. The
  returned shipment keeps pointing at its void (or credited) invoice.
- `follow_reissued_invoice` on `payments.invoice_replaced`: finance voided a shipment's invoice and reissued it (the
  same quantities, the shipping charge again if the void one carried it): the shipment points at the new invoice. A
  returned shipment's invoice is refused (ReturnedNotReissued, 409): its goods are billed when they ship again.

Locks: inside move_shipment (order → shipment), issuing takes the order's payments and the INV- counter after the
shipment; a reissue takes order → payments → invoices → counter → shipment. Both hold the order's lock first, and
no path holds a shipment while waiting for an order, payment or invoice of another order, so they cannot deadlock.
Taking a returned shipment's invoice back runs inside move_shipment too (order → shipment), then takes the
invoice's payments, the invoice and (credited) the CN- counter, like issuing."""
from __future__ import annotations

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from payments import services as payment_services
from portal import locks

from ..errors import ReturnedNotReissued
from ..models import Shipment, ShipmentKind, ShipmentStatus

__all__ = ["follow_reissued_invoice", "invoice_on_shipment_moved", "invoice_shipment", "invoiced_by_parts",
           "withdraw_invoice_on_return"]


def invoiced_by_parts(*, order) -> bool:
    """payments.invoiced_by_parts: an order with outbound shipments is invoiced one shipment at a time."""
    return Shipment.objects.filter(order_id=order.pk, kind=ShipmentKind.OUTBOUND).exists()


def invoice_shipment(*, shipment, actor=None):
    """Issue the invoice of what `shipment` (locked, in the caller's transaction) carries and keep it on the shipment;
    the order's shipping charge when no other shipment of the order was invoiced before. Returns the invoice (the one
    it has already, when called again)."""
    if shipment.invoice_id is not None:
        return shipment.invoice
    order = shipment.order
    quantities = {}
    for line_id, quantity in shipment.lines.values_list("order_line_id", "quantity"):
        quantities[line_id] = quantities.get(line_id, 0) + quantity
    # The first: no other shipment that still counts has (or had: a void one waiting to be reissued) the charge on
    # its invoice. A returned shipment's invoice was taken back with its goods (withdraw_invoice_on_return), so the
    # charge it carried goes on the next invoice.
    first = not (Shipment.objects.filter(order_id=order.pk, kind=ShipmentKind.OUTBOUND,
                                         invoice__lines__sku=payment_services.SHIPPING_SKU)
                 .exclude(pk=shipment.pk).exclude(status=ShipmentStatus.RETURNED).exists())
    invoice = payment_services.issue_invoice_for(order=order, lines=quantities, include_shipping=first,
                                                 part=shipment.number, actor=actor)
    shipment.invoice = invoice
    shipment.save(update_fields=["invoice", "updated_at"])
    return invoice


def invoice_on_shipment_moved(*, shipment, previous, actor) -> None:
    """shipping.shipment.moved: an outbound shipment leaving (to shipped) is invoiced for what it carries, when the
    order's parts are invoiced one by one (payments: INVOICE_ON=shipped and no invoice of the whole order)."""
    if shipment.kind != ShipmentKind.OUTBOUND or shipment.status != ShipmentStatus.SHIPPED:
        return
    if shipment.invoice_id is not None or not payment_services.invoices_each_part(order=shipment.order):
        return
    invoice_shipment(shipment=shipment, actor=actor)


def withdraw_invoice_on_return(*, shipment, previous, actor) -> None:
    """shipping.shipment.moved: an outbound shipment that came back undelivered (`returned`) gives back its live
    invoice (module doc): voided, or credited in whole when something settles it already; the reason is written in
    the dealer's language (the void mail and the credit note show it)."""
    if shipment.kind != ShipmentKind.OUTBOUND or shipment.status != ShipmentStatus.RETURNED:
        return
    if shipment.invoice_id is None or shipment.invoice.order_id is None:
        return  # never invoiced on its own (INVOICE_ON=confirmed, the order invoiced whole), or void already
    with translation.override(payment_services.dealer_language(shipment.dealer)):
        reason = _("Shipment %(shipment)s of order %(order)s came back undelivered; its goods are invoiced again "
                   "when they ship.") % {"shipment": shipment.number, "order": shipment.order.number}
    payment_services.withdraw_invoice_unchecked(actor=actor, invoice=shipment.invoice, reason=reason)


def returned_reissue_refusal(*, invoice) -> str:
    """payments.reissue_refusal: the void invoice of a shipment that came back undelivered is not reissued (the
    goods are billed by the shipment that carries them again); the same sentence follow_reissued_invoice raises."""
    shipment = (Shipment.objects.filter(order_id=invoice.voided_order_id, number=invoice.part,
                                        kind=ShipmentKind.OUTBOUND, status=ShipmentStatus.RETURNED).first()
                if invoice.voided_order_id and invoice.part else None)
    return _returned_refusal(shipment, invoice) if shipment else ""


def _returned_refusal(shipment, invoice) -> str:
    return _("Shipment %(shipment)s came back undelivered, so invoice %(invoice)s is not reissued: its goods are "
             "invoiced with the shipment that carries them again.") % {"shipment": shipment.number,
                                                                        "invoice": invoice.number}


def follow_reissued_invoice(*, invoice, replacement, actor) -> None:
    """payments.invoice_replaced: the shipment the void invoice was for (its number is the invoice's part) points at
    the replacement."""
    shipments = Shipment.objects.filter(Q(invoice_id=invoice.pk) | Q(order_id=invoice.voided_order_id,
                                                                     number=invoice.part, kind=ShipmentKind.OUTBOUND))
    for shipment_id in shipments.order_by("pk").values_list("pk", flat=True):
        shipment = locks.shipment(shipment_id)
        if shipment.status == ShipmentStatus.RETURNED:
            # Its goods came back and are billed by the shipment that carries them again: reissuing would bill twice.
            raise ReturnedNotReissued(_returned_refusal(shipment, invoice))
        shipment.invoice = replacement
        shipment.save(update_fields=["invoice", "updated_at"])
