"""Hook points of payments (portal/hooks.py): where a later stage (shipping) plugs into invoicing without payments
importing it. Registered in the later app's AppConfig.ready() (shipping/apps.py).

Declared here:
- `payments.invoiced_by_parts(order)` (single): whether a later stage invoices this order part by part (shipping:
  each outbound shipment is invoiced for what it carries when it leaves), so the order is not invoiced as a whole
  when it reaches its invoicing status; default: no.
- `payments.invoice_replaced(invoice, replacement, actor)`: a void invoice of a part was reissued (`replacement`,
  same goods), inside the reissue's transaction (shipping: the shipment points at its new invoice).
- `payments.reissue_refusal(invoice)`: why a void invoice of a part must not be reissued ("" when it may be;
  shipping: its shipment came back undelivered, and the goods are billed when they ship again). The admin shows it
  instead of the button; the service is refused the same way.

Declared by the lifecycle in payments.models (INVOICE): `payments.invoice.guard` and `payments.invoice.moved`."""
from portal import hooks


def not_invoiced_by_parts(*, order) -> bool:
    """Without a later stage: an order is invoiced as a whole."""
    return False


invoiced_by_parts = hooks.point(
    "payments.invoiced_by_parts", args=("order",), single=True, default=not_invoiced_by_parts,
    doc="True when a later stage invoices `order` part by part (per shipment): its whole-order invoice is not issued.")

invoice_replaced = hooks.point(
    "payments.invoice_replaced", args=("invoice", "replacement", "actor"),
    doc="A void invoice of a part of an order was reissued as `replacement` (same goods), inside the transaction.")

reissue_refusal = hooks.point(
    "payments.reissue_refusal", args=("invoice",),
    doc="Why a void invoice of a part must not be reissued (a sentence), or \"\" when a later stage has no objection.")
