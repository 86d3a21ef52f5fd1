"""Invoices: issued when an order ships (or at confirmation with INVOICE_ON), once per order, due by the dealer's
terms, with lines and totals of the order; an installment plan chosen at checkout splits the invoice into due dates
that add up exactly; voiding."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dealers.testing import DealerFactory
from orders.services import ordering
from orders.services.changes import set_status
from orders.testing import actor_of, priced, with_addresses
from payments.errors import InvalidInstallments, InvoiceSettled, NotAllowed
from payments.models import CreditAccount, Invoice, InvoiceStatus
from payments.services import allocation, invoices
from payments.testing import FinanceStaffFactory
from portal.models import AuditEntry, Document, Notification
from pricing.models import PaymentAdjustment
from pricing.testing import PriceListFactory

D = Decimal


# Overrides the root `dealer`: one with 45-day payment terms and addresses.
@pytest.fixture
def dealer(db):
    dealer = with_addresses(DealerFactory())
    CreditAccount.objects.create(dealer=dealer, credit_limit=D("100000.00"), payment_terms_days=45)
    return dealer


@pytest.fixture
def product(db):
    return priced(PriceListFactory(kind="market"), "100.00", sku="INV-1", name="Invoice lamp", stock_quantity=1000)


def place(owner, product, quantity=3, **checkout):
    return ordering.place_order(actor=actor_of(owner), lines=[(product, quantity)],
                                checkout=ordering.Checkout(**checkout))


def test_shipping_an_order_issues_its_invoice_due_by_the_dealers_terms(owner, dealer, staff, product,
                                                                        django_capture_on_commit_callbacks):
    order = place(owner, product)
    set_status(actor=staff, order=order, status="confirmed")
    assert not Invoice.objects.filter(order=order).exists()
    with django_capture_on_commit_callbacks() as callbacks:
        set_status(actor=staff, order=order, status="shipped")
    invoice = Invoice.objects.get(order=order)
    today = timezone.localdate()
    assert invoice.number.startswith(f"INV-{today.year}-") and len(invoice.number) == len("INV-2026-000001")
    assert (invoice.issue_date, invoice.due_date) == (today, today + datetime.timedelta(days=45))
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (D("300.00"), D("60.00"), D("360.00"))
    assert invoice.status == InvoiceStatus.OPEN and invoice.dealer == dealer
    assert [(line.sku, line.quantity, line.unit_price) for line in invoice.lines.all()] == [("INV-1", 3, D("100.00"))]
    assert invoice.document.kind == "payments.invoice" and invoice.document.status == Document.Status.PENDING
    assert AuditEntry.objects.filter(action="invoice.issued", dealer=dealer).count() == 1
    mails = Notification.objects.filter(template="payments/invoice_issued")
    assert [row.recipient for row in mails] == [owner.email]
    assert mails[0].context["number"] == invoice.number and "/payments/invoices/" in mails[0].context["url"]
    assert len(callbacks) >= 2  # the PDF render and the mail are enqueued after commit, not run


def test_an_order_is_invoiced_when_partially_shipped_and_not_again_when_fully_shipped(owner, staff, product):
    order = place(owner, product)
    set_status(actor=staff, order=order, status="processing")
    set_status(actor=staff, order=order, status="partially_shipped")
    set_status(actor=staff, order=order, status="shipped")
    assert Invoice.objects.filter(order=order).count() == 1


def test_with_invoice_on_confirmed_the_invoice_is_issued_at_confirmation(owner, staff, product, settings):
    settings.INVOICE_ON = "confirmed"
    order = place(owner, product)
    set_status(actor=staff, order=order, status="confirmed")
    assert Invoice.objects.filter(order=order).count() == 1
    set_status(actor=staff, order=order, status="shipped")
    assert Invoice.objects.filter(order=order).count() == 1


def test_issuing_twice_returns_the_same_invoice(owner, staff, product):
    order = place(owner, product)
    first = invoices.issue_invoice(order=order, actor=staff)
    again = invoices.issue_invoice(order=order, actor=staff)
    assert first.pk == again.pk and Invoice.objects.count() == 1


def test_a_cancelled_order_is_not_invoiced(owner, staff, product):
    order = place(owner, product)
    set_status(actor=staff, order=order, status="cancelled")
    with pytest.raises(Exception) as exc:
        invoices.issue_invoice(order=order, actor=staff)
    assert getattr(exc.value, "code", "") == "payments.nothing_to_invoice"


def test_an_installment_plan_chosen_on_account_splits_the_invoice_with_pricings_surcharge(owner, staff, product):
    PaymentAdjustment.objects.create(method="on_account", installments=3, percent=D("4.50"))
    order = place(owner, product, quantity=1, installments=3)  # 100.00 net + 4.5 % = 104.50, incl. VAT 125.40
    assert order.installments == 3 and order.total_gross == D("125.40")
    invoice = invoices.issue_invoice(order=order, actor=staff)
    assert invoice.total_gross == order.total_gross and invoice.installments == 3
    plan = list(invoice.installment_plan.all())
    assert [row.amount for row in plan] == [D("41.80"), D("41.80"), D("41.80")]
    assert sum(row.amount for row in plan) == invoice.total_gross
    assert plan[0].due_date == invoice.due_date
    assert plan[1].due_date == invoices.add_months(plan[0].due_date, 1)
    assert plan[2].due_date == invoices.add_months(plan[0].due_date, 2)


def test_the_last_installment_takes_the_rounding():
    rows = invoices.split_installments(D("100.00"), 3, datetime.date(2026, 1, 31))
    assert [row[2] for row in rows] == [D("33.33"), D("33.33"), D("33.34")]
    assert [row[1] for row in rows] == [datetime.date(2026, 1, 31), datetime.date(2026, 2, 28),
                                        datetime.date(2026, 3, 31)]
    with pytest.raises(InvalidInstallments):
        invoices.split_installments(D("0.02"), 3, datetime.date(2026, 1, 1))


def test_paying_the_first_installment_moves_the_invoice_to_the_next_due_date(owner, staff, product, dealer):
    PaymentAdjustment.objects.create(method="on_account", installments=2, percent=D("0"))
    order = place(owner, product, quantity=1, installments=2)
    invoice = invoices.issue_invoice(order=order, actor=staff)
    plan = list(invoice.installment_plan.all())
    allocation.record_payment(actor=staff, dealer=dealer, amount=str(plan[0].amount), kind="card",
                              received_on=timezone.localdate())
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID and invoice.due_date == plan[1].due_date


def test_staff_void_an_unsettled_invoice_but_not_a_settled_one(owner, staff, product, dealer):
    order = place(owner, product)
    invoice = invoices.issue_invoice(order=order, actor=staff)
    with pytest.raises(NotAllowed):
        invoices.void_invoice(actor=owner, invoice=invoice, reason="Wrong")
    voided = invoices.void_invoice(actor=FinanceStaffFactory(), invoice=invoice, reason="Issued twice")
    assert voided.status == InvoiceStatus.VOID and voided.balance == 0
    assert AuditEntry.objects.filter(action="invoice.voided").count() == 1
    from portal.models import Notification

    assert Notification.objects.filter(template="payments/invoice_voided", recipient=owner.email,
                                       context__reason="Issued twice").exists()

    other = invoices.issue_invoice(order=place(owner, product), actor=staff)
    allocation.record_payment(actor=staff, dealer=dealer, amount="10.00", kind="wire", received_on=timezone.localdate())
    with pytest.raises(InvoiceSettled):
        invoices.void_invoice(actor=staff, invoice=other, reason="Too late")


def test_the_invoice_listener_is_registered_with_orders_status_hook(owner, staff, product):
    from orders.models import ORDER

    order = place(owner, product)
    order.status = "shipped"
    order.save(update_fields=["status"])
    ORDER.moved.run(order=order, previous="confirmed", actor=staff)
    assert Invoice.objects.filter(order=order).count() == 1
