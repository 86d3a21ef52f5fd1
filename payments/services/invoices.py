"""Invoices: one per order, issued when the order ships (or at confirmation, settings.INVOICE_ON), numbered, due by
the dealer's payment terms, split into monthly installments when the order was placed on account with an
installment plan, rendered as a PDF by a Celery worker and mailed to the dealer's owners and finance users; voided
by staff while nothing is settled."""
from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from dealers import permissions as dealer_permissions
from dealers.models import Role
from dealers.selectors import list_users_who_may
from orders.models import OrderStatus, PaymentMethod
from portal import audit, locks, outbox
from portal.documents import DocumentKind, request_document
from portal.lifecycle import acting_user
from portal.money import CENT

from .. import permissions
from ..errors import InvalidInstallments, InvoiceSettled, NotAllowed, NothingToInvoice, ReasonRequired
from ..models import INVOICE, ZERO, Invoice, InvoiceInstallment, InvoiceLine, InvoiceStatus, Payment
from .allocation import lock_rows, settle_order_payments_unchecked
from .credit import account_of

__all__ = ["INVOICE_KIND", "INVOICE_PDF", "SHIPPING_SKU", "add_months", "billing_lines", "dealer_language", "invoice_context",
           "invoice_on_status_changed", "invoice_recipients", "invoice_url", "issue_invoice", "split_installments",
           "void_invoice"]

INVOICE_PDF = "payments.invoice"
# Orders that are not (or no longer) a sale are never invoiced.
S = OrderStatus
NOT_INVOICEABLE = (S.PENDING_APPROVAL, S.CANCELLED, S.REJECTED)
# An order reaching one of these is invoiced, per settings.INVOICE_ON; later stages count too, so an order that
# skips the trigger status (placed → processing → shipped) is still invoiced.
INVOICE_AT = {
    S.SHIPPED: (S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED),
    S.CONFIRMED: (S.CONFIRMED, S.PROCESSING, S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED),
}


# --- arithmetic ----------------------------------------------------------------------------------------------------

def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def split_installments(total: Decimal, installments: int, first_due: datetime.date) -> list[tuple[int, datetime.date,
                                                                                                 Decimal]]:
    """`installments` (number, due date, amount) rows, monthly from `first_due`, adding up to `total` exactly: each
    gets the total / n rounded down to cents, the last takes what rounding left."""
    if installments < 1:
        raise InvalidInstallments(_("Choose at least one installment."), field="installments")
    share = (total / installments).quantize(CENT, rounding=ROUND_DOWN)
    if installments > 1 and share <= 0:
        raise InvalidInstallments(_("The total is too small to split into %(n)s installments.")
                                  % {"n": installments}, field="installments")
    rows = [(i + 1, add_months(first_due, i), share) for i in range(installments - 1)]
    rows.append((installments, add_months(first_due, installments - 1), total - share * (installments - 1)))
    return rows


# --- issuing -------------------------------------------------------------------------------------------------------

def dealer_language(dealer) -> str:
    """The dealer's document language: its first active owner's, else the portal's default."""
    language = (dealer.users.filter(role=Role.OWNER, is_active=True).order_by("pk")
                .values_list("language", flat=True).first())
    return language or settings.LANGUAGE_CODE


def invoice_recipients(dealer) -> list:
    """The dealer's active users who pay (owners and finance users: the roles table's PAY)."""
    return list_users_who_may(dealer=dealer, ability=dealer_permissions.PAY)


def issue_invoice(*, order, actor=None) -> Invoice:
    """The order's invoice: numbered INV-YYYY-NNNNNN, issued today, due after the dealer's payment terms, lines and
    totals copied from the order. An order placed on account with an installment plan (its surcharge is already in
    the line prices) is split into that many monthly due dates. One invoice per order: calling again returns the
    one there is."""
    existing = Invoice.objects.filter(order_id=order.pk).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        # The order row lock makes two parallel issuers (a status move and staff) wait for each other.
        order = locks.order(order, related=("dealer",))
        existing = Invoice.objects.filter(order_id=order.pk).first()
        if existing is not None:
            return existing
        if order.status in NOT_INVOICEABLE:
            raise NothingToInvoice(_("Order %(number)s is not a sale yet (or any more); it cannot be invoiced.")
                                   % {"number": order.number})
        # Lock order (docs/architecture.md): the order's payments before the invoice-number counter, which comes last;
        # settling the new invoice below then takes no contended lock after the counter.
        lock_rows(payments=Payment.objects.with_credit().filter(order_id=order.pk).values_list("pk", flat=True))
        account = account_of(order.dealer)  # a dealer without an account yet: the default terms
        today = timezone.localdate()
        first_due = today + datetime.timedelta(days=account.payment_terms_days)
        # By card the card issuer splits the payment; only an order on account owes us in installments.
        installments = order.installments if order.payment_method == PaymentMethod.ON_ACCOUNT else 1
        total = order.total_gross
        plan = split_installments(total, installments, first_due) if installments > 1 else []
        invoice = Invoice.objects.create(
            number=_next_invoice_number(), dealer=order.dealer, order=order, issue_date=today, due_date=first_due,
            currency=order.currency, total_net=order.total_net, total_vat=order.total_vat, total_gross=total,
            installments=installments)
        InvoiceLine.objects.bulk_create([
            InvoiceLine(invoice=invoice, ordering=line.ordering, sku=line.sku, name=line.name, quantity=line.quantity,
                        unit=line.unit, unit_price=line.unit_price, vat_rate=line.vat_rate, line_net=line.line_net,
                        line_vat=line.line_vat)
            for line in order.lines.all()] + shipping_invoice_lines(invoice, order))
        InvoiceInstallment.objects.bulk_create([
            InvoiceInstallment(invoice=invoice, number=number, due_date=due, amount=amount)
            for number, due, amount in plan])
        audit.record(actor=acting_user(actor)[0], action="invoice.issued", target=invoice, dealer=order.dealer, data={
            "number": invoice.number, "order": order.number, "total": str(total),
            "installments": installments, "due_date": first_due.isoformat()})
        if total == ZERO:  # nothing to pay: paid as it is issued
            INVOICE.move(invoice, to=InvoiceStatus.PAID, actor=actor,
                         audit_data={"number": invoice.number})
        invoice.document = request_document(owner=invoice, kind=INVOICE_PDF, language=dealer_language(order.dealer))
        invoice.save(update_fields=["document"])
        _mail_issued(invoice)
        # A wire transfer recorded against the order before it was invoiced settles its invoice now.
        settle_order_payments_unchecked(invoice=invoice, actor=actor)
    return invoice


SHIPPING_SKU = "SHIPPING"


def shipping_invoice_lines(invoice, order) -> list:
    """The order's shipping charge as an invoice line ("Shipping: Standard", at the freight's own VAT rate), so the
    invoice's lines add up to the order's total; none for an order shipped free."""
    if not (order.shipping_net or order.shipping_vat):
        return []
    with translation.override(dealer_language(order.dealer)):
        name = _("Shipping: %(method)s") % {"method": order.shipping_method_name()}
    last = max((line.ordering for line in order.lines.all()), default=0)
    return [InvoiceLine(invoice=invoice, ordering=last + 1, sku=SHIPPING_SKU, name=name[:255], quantity=Decimal(1),
                        unit="", unit_price=order.shipping_net, vat_rate=order.shipping_vat_rate,
                        line_net=order.shipping_net, line_vat=order.shipping_vat)]


def _next_invoice_number() -> str:
    from portal.numbering import next_number

    return next_number("INV")


def invoice_url(invoice) -> str:
    return settings.SITE_URL + reverse("payments:invoice", args=[invoice.number])


def _mail_issued(invoice) -> None:
    for user in invoice_recipients(invoice.dealer):
        outbox.notify(to=user, template="payments/invoice_issued", context={
            "first_name": user.first_name, "number": invoice.number, "dealer_name": str(invoice.dealer),
            "total": str(invoice.total_gross), "currency": invoice.currency,
            "due_date": invoice.due_date.isoformat(), "installments": invoice.installments,
            "url": invoice_url(invoice),
            "pdf_url": settings.SITE_URL + reverse("payments:invoice_pdf", args=[invoice.number])})


def invoice_on_status_changed(*, order, previous, actor) -> None:
    """Registered on `orders.order.moved`: invoice an order when it ships (or is confirmed, settings.INVOICE_ON),
    inside the status move's transaction."""
    statuses = INVOICE_AT.get(getattr(settings, "INVOICE_ON", S.SHIPPED), INVOICE_AT[S.SHIPPED])
    if order.status in statuses and previous not in statuses:
        issue_invoice(order=order, actor=actor)


# --- voiding -------------------------------------------------------------------------------------------------------

def void_invoice(*, actor, invoice, reason, reissue=False) -> Invoice:
    """Staff cancel an invoice issued in error. Only with nothing settled (reverse the allocations first); a void
    invoice owes nothing, leaves statements and keeps its number. Voiding twice changes nothing.

    A void invoice lets go of its order (`voided_order` keeps it): the order is not invoiced any more, so goods
    shipped on account count in the dealer's exposure again at the order's value until a new invoice is issued for
    them (`reissue=True` does that in the same transaction; issue_invoice later does it too) or the order ends."""
    if not permissions.can_void_invoices(actor):
        raise NotAllowed(_("Only finance staff void invoices."))
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Say why the invoice is voided."), field="reason")
    with transaction.atomic():
        _payments, _notes, invoices = lock_rows(invoices=[invoice])
        invoice = invoices[invoice.pk]
        if invoice.status == InvoiceStatus.VOID:
            return invoice
        if invoice.settled > 0 or invoice.allocations.exists():
            raise InvoiceSettled(_("Invoice %(number)s is partly settled; it cannot be voided.")
                                 % {"number": invoice.number})
        invoice.void_reason = reason[:255]
        if invoice.order_id is not None:
            invoice.voided_order_id, invoice.order_id = invoice.order_id, None
        INVOICE.move(invoice, to=InvoiceStatus.VOID, actor=actor, note=reason,
                     fields=["void_reason", "order", "voided_order"], audit_action="invoice.voided",
                     audit_data={"number": invoice.number, "reason": reason})
        for user in invoice_recipients(invoice.dealer):
            outbox.notify(to=user, template="payments/invoice_voided", context={
                "first_name": user.first_name, "number": invoice.number, "reason": invoice.void_reason})
        if reissue and invoice.voided_order_id is not None:
            new = issue_invoice(order=invoice.voided_order, actor=actor)
            audit.record(actor=acting_user(actor)[0], action="invoice.reissued", target=new, dealer=invoice.dealer,
                         data={"number": new.number, "replaces": invoice.number})
    return invoice


# --- the PDF -------------------------------------------------------------------------------------------------------

def billing_lines(invoice) -> list[str]:
    """The address the invoice is billed to, printed once: the order's billing address as chosen at checkout (its
    lines that only repeat the company's name left out), else the dealer's registered address."""
    dealer = invoice.dealer
    names = {(dealer.legal_name or "").strip().casefold(), (dealer.trade_name or "").strip().casefold()}
    order = invoice.order or invoice.voided_order
    text = order.billing_address if order is not None else ""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    lines = [line for line in lines if line.casefold() not in names]
    if lines:
        return lines
    return [line for line in (dealer.address_line, " ".join(filter(None, [dealer.postal_code, dealer.city,
                                                                          str(dealer.country or "")])))
            if line.strip()]


def invoice_context(invoice) -> dict:
    return {
        "invoice": invoice,
        "dealer": invoice.dealer,
        "billing_lines": billing_lines(invoice),
        "lines": list(invoice.lines.all()),
        "plan": list(invoice.installment_plan.all()),
        "currency": invoice.currency,
        "bank_account": getattr(settings, "INVOICE_BANK_ACCOUNT", ""),
        "invoice_url": invoice_url(invoice),
    }


# The invoice PDF's document kind, registered in PaymentsConfig.ready().
INVOICE_KIND = DocumentKind(
    name=INVOICE_PDF,
    template="pdf/invoice.html",
    context=invoice_context,
    title=lambda invoice: gettext("Invoice %(number)s") % {"number": invoice.number},
    dealer=lambda invoice: invoice.dealer,
    can_read=permissions.can_read_invoice,
)
