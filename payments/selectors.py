"""Reads of payments shared by pages, API, admin and services (keyword-only arguments). Every read of a dealer's
invoices goes through `invoices_of(actor=...)`, so another dealer's invoice is simply not found (404)."""
from __future__ import annotations

import datetime

from django.db.models import F, Prefetch, Sum
from django.http import Http404

from orders.models import OrderStatus, PaymentMethod
from portal.dates import day_or_none

from .models import (
    OPEN_STATUSES,
    ZERO,
    Allocation,
    CardPayment,
    CardPaymentStatus,
    CardRefund,
    CreditNote,
    Invoice,
    InvoiceStatus,
    Payment,
)

# A card payment that holds or took the order's money (one per order: a database constraint).
LIVE_CARD_STATUSES = (CardPaymentStatus.AUTHORISED, CardPaymentStatus.CAPTURED, CardPaymentStatus.REFUNDED)
# Orders that ended without being a sale.
ENDED_ORDER_STATUSES = (OrderStatus.CANCELLED, OrderStatus.REJECTED)

# --- a dealer's invoices ---------------------------------------------------------------------------------------------

def invoices_of(*, actor):
    """The invoices the actor may see: its dealer's (none without a dealer)."""
    if actor is None or actor.dealer is None:
        return Invoice.objects.none()
    return Invoice.objects.filter(dealer=actor.dealer)


def list_invoices(*, actor, filters: dict | None = None):
    """Newest first. Filters: status (a status or "unpaid": open, partially paid, overdue), date_from, date_to
    (issue date, YYYY-MM-DD; unreadable dates are ignored)."""
    filters = filters or {}
    rows = invoices_of(actor=actor).select_related("order", "document")
    status = filters.get("status") or ""
    if status == "unpaid":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status in InvoiceStatus.values:
        rows = rows.filter(status=status)
    if day_or_none(filters.get("date_from")):
        rows = rows.filter(issue_date__gte=day_or_none(filters["date_from"]))
    if day_or_none(filters.get("date_to")):
        rows = rows.filter(issue_date__lte=day_or_none(filters["date_to"]))
    return rows.order_by("-issue_date", "-pk")


def get_invoice(*, actor, number) -> Invoice:
    """One of the actor's dealer's invoices with its lines, installments and allocations, or 404."""
    invoice = (invoices_of(actor=actor).select_related("order", "document", "dealer")
               .prefetch_related("lines", "installment_plan",
                                 Prefetch("allocations", queryset=Allocation.objects.select_related(
                                     "payment", "credit_note")))
               .filter(number=number).first())
    if invoice is None:
        raise Http404
    return invoice


def get_invoice_for_staff(*, number) -> Invoice:
    invoice = Invoice.objects.select_related("document", "dealer").filter(number=number).first()
    if invoice is None:
        raise Http404
    return invoice


def open_balance(*, dealer):
    return (Invoice.objects.filter(dealer=dealer, status__in=OPEN_STATUSES)
            .aggregate(owed=Sum(F("total_gross") - F("settled")))["owed"] or ZERO)


def credit_balance(*, dealer):
    """Money received or credited and not yet allocated to invoices."""
    paid = (Payment.objects.filter(dealer=dealer)
            .aggregate(left=Sum(F("amount") - F("refunded") - F("allocated")))["left"] or ZERO)
    noted = CreditNote.objects.filter(dealer=dealer).aggregate(left=Sum(F("amount") - F("allocated")))["left"] or ZERO
    return paid + noted


# --- statements -------------------------------------------------------------------------------------------------------

def balance_before(*, dealer, day: datetime.date):
    """Invoices − payments − credit notes + card refunds dated before `day` (void invoices excluded): four
    aggregates."""
    invoiced = (Invoice.objects.filter(dealer=dealer, issue_date__lt=day).exclude(status=InvoiceStatus.VOID)
                .aggregate(s=Sum("total_gross"))["s"] or ZERO)
    paid = Payment.objects.filter(dealer=dealer, received_on__lt=day).aggregate(s=Sum("amount"))["s"] or ZERO
    credited = CreditNote.objects.filter(dealer=dealer, issued_on__lt=day).aggregate(s=Sum("amount"))["s"] or ZERO
    refunded = CardRefund.objects.filter(dealer=dealer, refunded_on__lt=day).aggregate(s=Sum("amount"))["s"] or ZERO
    return invoiced - paid - credited + refunded


def statement_invoices(*, dealer, date_from, date_to):
    return (Invoice.objects.filter(dealer=dealer, issue_date__range=(date_from, date_to))
            .exclude(status=InvoiceStatus.VOID).select_related("order").order_by("issue_date", "pk"))


def statement_payments(*, dealer, date_from, date_to):
    return (Payment.objects.filter(dealer=dealer, received_on__range=(date_from, date_to))
            .order_by("received_on", "pk"))


def statement_credit_notes(*, dealer, date_from, date_to):
    return CreditNote.objects.filter(dealer=dealer, issued_on__range=(date_from, date_to)).order_by("issued_on", "pk")


def statement_refunds(*, dealer, date_from, date_to):
    return (CardRefund.objects.filter(dealer=dealer, refunded_on__range=(date_from, date_to))
            .select_related("card_payment__order").order_by("refunded_on", "pk"))


# --- staff: export and reconciliation ----------------------------------------------------------------------------------

def export_invoices(*, date_from, date_to):
    return (Invoice.objects.filter(issue_date__range=(date_from, date_to)).select_related("dealer", "order")
            .order_by("issue_date", "pk"))


def export_payments(*, date_from, date_to):
    return (Payment.objects.filter(received_on__range=(date_from, date_to)).select_related("dealer")
            .order_by("received_on", "pk"))


def export_credit_notes(*, date_from, date_to):
    return (CreditNote.objects.filter(issued_on__range=(date_from, date_to)).select_related("dealer")
            .order_by("issued_on", "pk"))


def export_refunds(*, date_from, date_to):
    return (CardRefund.objects.filter(refunded_on__range=(date_from, date_to))
            .select_related("dealer", "card_payment").order_by("refunded_on", "pk"))


def export_allocations(*, date_from, date_to):
    return (Allocation.objects.filter(created_at__date__range=(date_from, date_to))
            .select_related("invoice__dealer", "payment", "credit_note").order_by("created_at", "pk"))


def unmatched_payments():
    return (Payment.objects.with_credit().select_related("dealer", "order")
            .order_by("dealer__legal_name", "received_on", "pk"))


def unmatched_credit_notes():
    return (CreditNote.objects.filter(allocated__lt=F("amount")).select_related("dealer")
            .order_by("dealer__legal_name", "issued_on", "pk"))


def open_invoices(*, dealer_ids=None):
    rows = Invoice.objects.filter(status__in=OPEN_STATUSES, settled__lt=F("total_gross")).select_related("dealer")
    if dealer_ids is not None:
        rows = rows.filter(dealer_id__in=dealer_ids)
    return rows.order_by("dealer__legal_name", "due_date", "pk")


# --- card payments -----------------------------------------------------------------------------------------------------

def live_card_payment(*, order) -> CardPayment | None:
    """The order's card payment that holds or took its money (authorised, captured, refunded), if any."""
    return CardPayment.objects.filter(order=order, status__in=LIVE_CARD_STATUSES).first()


def card_outstanding(*, order):
    """What a card order still has to have authorised (zero for other methods, once authorised, or once ended)."""
    if order.payment_method != PaymentMethod.CARD or order.status in ENDED_ORDER_STATUSES:
        return ZERO
    if live_card_payment(order=order) is not None:
        return ZERO
    return order.total_gross
