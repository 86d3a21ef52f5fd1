"""Who may do what in payments, as plain (actor, object) questions every view, API view, form, admin class and
service asks: a dealer's invoices, statement and credit (owners, finance users, agents acting for the dealer), paying
an order by card (those who pay or order), and the staff's finance work (recording payments, allocating, credit
notes, voiding, exports)."""
from dealers import permissions as dealer_permissions
from orders.models import OrderStatus, PaymentMethod

from . import selectors
from .cards import get_provider

STATEMENT = "payments.statement"  # the download kind of a statement (portal.documents), registered in apps.py
# An order that can still be paid by card: placed, or confirmed by staff without waiting.
PAYABLE_ORDER_STATUSES = (OrderStatus.PLACED, OrderStatus.CONFIRMED)


def can_see_invoices(actor) -> bool:
    """Owners and finance users of an approved dealer, and agents acting for it (the roles table's PAY)."""
    return dealer_permissions.can(actor, dealer_permissions.PAY)


def can_see_credit(actor, dealer=None) -> bool:
    """The dealer's credit (limit, exposure, available): whoever may see its invoices (the roles table's PAY).
    `dealer`, when given, must be the one the actor acts for."""
    if dealer is not None and getattr(getattr(actor, "dealer", None), "pk", None) != getattr(dealer, "pk", dealer):
        return False
    return dealer_permissions.can(actor, dealer_permissions.PAY)


def may_pay_orders(actor) -> bool:
    """Who may pay for the dealer's orders: buyers, approvers, owners, finance users (and agents acting for them)."""
    return (dealer_permissions.can(actor, dealer_permissions.PAY)
            or dealer_permissions.can(actor, dealer_permissions.ORDER))


def can_pay_by_card(actor, order) -> bool:
    """"Pay by card" on the order's page: a card order that still waits for its authorisation (placed or confirmed),
    card payments on, and an actor who may pay the dealer's orders."""
    return (order.payment_method == PaymentMethod.CARD and order.status in PAYABLE_ORDER_STATUSES
            and get_provider() is not None and selectors.card_outstanding(order=order) > 0 and may_pay_orders(actor))


def is_invoice_of(invoice, dealer) -> bool:
    """An invoice belongs to one dealer: a payment, a credit note or a request of another dealer never reaches it."""
    return invoice is not None and invoice.dealer_id == getattr(dealer, "pk", dealer)


def can_read_invoice(user, invoice) -> bool:
    """An invoice (its page and its PDF): the dealer's owners and finance users, sales agents assigned to the dealer,
    and staff who may view invoices in the admin."""
    actor = dealer_permissions.actor_for(user, invoice.dealer)
    if actor is not None and can_see_invoices(actor):
        return True
    return bool(getattr(user, "is_staff", False) and user.is_active and user.has_perm("payments.view_invoice"))


def can_read_statement(user, dealer) -> bool:
    """A dealer's statement (page, CSV, PDF): whoever may see the dealer's invoices."""
    actor = dealer_permissions.actor_for(user, dealer)
    if actor is not None and can_see_invoices(actor):
        return True
    return bool(getattr(user, "is_staff", False) and user.is_active and user.has_perm("payments.view_invoice"))


def can_record_payments(user) -> bool:
    """Finance staff: staff holding the Django permission to add payments (superusers hold every permission)."""
    return bool(user is not None and getattr(user, "is_active", False) and getattr(user, "is_staff", False)
                and user.has_perm("payments.add_payment"))


def can_issue_credit_notes(user) -> bool:
    return bool(user is not None and getattr(user, "is_staff", False) and user.has_perm("payments.add_creditnote"))


def can_void_invoices(user) -> bool:
    return bool(user is not None and getattr(user, "is_staff", False) and user.has_perm("payments.change_invoice"))


def may_void(user, invoice) -> bool:
    """Finance staff may void an invoice its lifecycle lets go to void (payments.models.INVOICE) while nothing settles
    it (reverse the allocations first). void_invoice checks the same again under its lock."""
    from .models import INVOICE, InvoiceStatus

    return (can_void_invoices(user) and INVOICE.allowed(invoice.status, InvoiceStatus.VOID)
            and invoice.settled == 0)


def may_reissue(user, invoice) -> bool:
    """Finance staff may reissue a void invoice of an order (the whole order again, or the same part: a shipment's
    goods) while nothing live has taken its place. reissue_invoice checks the same again under the order's lock."""
    from .models import Invoice, InvoiceStatus

    return (can_void_invoices(user) and invoice.status == InvoiceStatus.VOID and invoice.voided_order_id is not None
            and not Invoice.objects.filter(order_id=invoice.voided_order_id, part=invoice.part).exists()
            and not reissue_refusals(invoice))


def reissue_refusals(invoice) -> list[str]:
    """Why a later stage says this void invoice must not be reissued (payments.reissue_refusal), if it says so."""
    from .hooks import reissue_refusal

    if not invoice.part:
        return []
    return [reason for reason in reissue_refusal.collect(invoice=invoice) if reason]


def can_change_credit_accounts(user) -> bool:
    """Finance staff: staff holding the Django permission to change credit accounts (limits, terms, methods, holds)."""
    return bool(user is not None and getattr(user, "is_active", False) and getattr(user, "is_staff", False)
                and user.has_perm("payments.change_creditaccount"))
