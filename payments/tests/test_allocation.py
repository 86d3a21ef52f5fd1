"""Payments and their allocation: oldest first across invoices, partial payments, over-payment as credit balance,
by hand, credit notes (by hand and from approved returns), refusals, idempotent posting even in parallel."""
import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders.services import ordering, returns
from orders.services.changes import set_status
from orders.testing import actor_of, priced, with_addresses
from payments import errors, selectors
from payments.models import Allocation, CreditNote, InvoiceStatus, Payment
from payments.services import allocation, invoices
from payments.testing import InvoiceFactory
from portal.models import AuditEntry
from pricing.testing import PriceListFactory

D = Decimal
TODAY = timezone.localdate


@pytest.fixture
def three(dealer):
    """Three open invoices of 100, 200 and 300, due in that order (created out of order)."""
    today = TODAY()
    second = InvoiceFactory(dealer=dealer, total_gross=D("200.00"), due_date=today + datetime.timedelta(days=20))
    first = InvoiceFactory(dealer=dealer, total_gross=D("100.00"), due_date=today + datetime.timedelta(days=10))
    third = InvoiceFactory(dealer=dealer, total_gross=D("300.00"), due_date=today + datetime.timedelta(days=30))
    return first, second, third


def pay(staff, dealer, amount, **kwargs):
    return allocation.record_payment(actor=staff, dealer=dealer, amount=amount, kind=kwargs.pop("kind", "wire"),
                                     received_on=kwargs.pop("received_on", TODAY()), **kwargs)


def states(*rows):
    for row in rows:
        row.refresh_from_db()
    return [(row.status, row.settled) for row in rows]


def test_a_payment_settles_the_oldest_due_invoices_first_and_leaves_the_next_partly_paid(staff, dealer, three):
    payment = pay(staff, dealer, "250.00", reference="EFT 123")
    assert states(*three) == [(InvoiceStatus.PAID, D("100.00")), (InvoiceStatus.PARTIALLY_PAID, D("150.00")),
                              (InvoiceStatus.OPEN, D("0.00"))]
    payment.refresh_from_db()
    assert payment.allocated == D("250.00") and payment.unallocated == 0 and payment.number.startswith("PAY-")
    assert [a.amount for a in Allocation.objects.order_by("pk")] == [D("100.00"), D("150.00")]
    assert AuditEntry.objects.filter(action="payment.recorded").count() == 1
    assert AuditEntry.objects.filter(action="payment.allocated").count() == 2


def test_an_over_payment_pays_everything_and_the_rest_is_credit_balance(staff, dealer, three):
    payment = pay(staff, dealer, "650.00")
    assert [s for s, _ in states(*three)] == [InvoiceStatus.PAID] * 3
    payment.refresh_from_db()
    assert payment.unallocated == D("50.00") and selectors.credit_balance(dealer=dealer) == D("50.00")
    # A later invoice takes the credit balance when finance spends it.
    later = InvoiceFactory(dealer=dealer, total_gross=D("80.00"))
    made = allocation.allocate_credit(actor=staff, dealer=dealer)
    assert [a.amount for a in made] == [D("50.00")]
    assert states(later) == [(InvoiceStatus.PARTIALLY_PAID, D("50.00"))]
    assert selectors.credit_balance(dealer=dealer) == 0


def test_unallocated_payment_then_manual_allocation(staff, dealer, three):
    first, second, third = three
    payment = pay(staff, dealer, "300.00", allocate=None)
    assert payment.allocated == 0 and selectors.credit_balance(dealer=dealer) == D("300.00")
    allocation.allocate(actor=staff, source=payment, invoice=third, amount="120.00")
    assert states(third) == [(InvoiceStatus.PARTIALLY_PAID, D("120.00"))]
    with pytest.raises(errors.OverAllocation):
        allocation.allocate(actor=staff, source=payment, invoice=first, amount="180.01")
    with pytest.raises(errors.OverAllocation):
        allocation.allocate(actor=staff, source=payment, invoice=first, amount="100.01")
    allocation.allocate(actor=staff, source=payment, invoice=first, amount="100.00")
    with pytest.raises(errors.InvoiceNotOpen):
        allocation.allocate(actor=staff, source=payment, invoice=first, amount="1.00")


def test_a_payment_allocated_by_hand_on_recording(staff, dealer, three):
    first, second, third = three
    pay(staff, dealer, "250.00", allocate={third.pk: "200.00", second.pk: "50.00"})
    assert states(first, second, third) == [(InvoiceStatus.OPEN, D("0.00")), (InvoiceStatus.PARTIALLY_PAID,
                                                                             D("50.00")),
                                            (InvoiceStatus.PARTIALLY_PAID, D("200.00"))]
    with pytest.raises(errors.OverAllocation):
        pay(staff, dealer, "10.00", allocate={first.pk: "20.00"})


def test_an_overdue_invoice_paid_in_full_is_paid_and_partly_paid_stays_overdue(staff, dealer):
    late = InvoiceFactory(dealer=dealer, total_gross=D("100.00"), status=InvoiceStatus.OVERDUE,
                          issue_date=TODAY() - datetime.timedelta(days=60),
                          due_date=TODAY() - datetime.timedelta(days=30))
    pay(staff, dealer, "40.00")
    assert states(late) == [(InvoiceStatus.OVERDUE, D("40.00"))]
    pay(staff, dealer, "60.00")
    assert states(late) == [(InvoiceStatus.PAID, D("100.00"))]


def test_another_dealers_invoice_is_refused(staff, dealer):
    payment = pay(staff, dealer, "10.00", allocate=None)
    foreign = InvoiceFactory()
    with pytest.raises(errors.WrongDealer):
        allocation.allocate(actor=staff, source=payment, invoice=foreign, amount="5.00")


@pytest.mark.parametrize("amount, error", [(1.5, errors.InvalidAmount), ("0", errors.InvalidAmount),
                                           ("-5", errors.InvalidAmount), ("1.005", errors.InvalidAmount),
                                           ("abc", errors.InvalidAmount), ("1e30", errors.InvalidAmount)])
def test_bad_amounts_are_refused_and_change_nothing(staff, dealer, amount, error):
    with pytest.raises(error):
        pay(staff, dealer, amount)
    assert not Payment.objects.exists()


def test_only_finance_staff_record_payments(dealer):
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    with pytest.raises(errors.NotAllowed):
        pay(owner, dealer, "10.00")
    with pytest.raises(errors.NotAllowed):
        pay(StaffFactory(is_superuser=False), dealer, "10.00")


def test_a_future_receipt_date_is_refused(staff, dealer):
    with pytest.raises(errors.InvalidPayment):
        pay(staff, dealer, "10.00", received_on=TODAY() + datetime.timedelta(days=1))


def test_the_same_idempotency_key_returns_the_same_payment(staff, dealer, three):
    first = pay(staff, dealer, "100.00", idempotency_key="bank-777")
    again = pay(staff, dealer, "100.00", idempotency_key="bank-777")
    assert first.pk == again.pk and first.created and not again.created
    assert Payment.objects.count() == 1 and states(three[0]) == [(InvoiceStatus.PAID, D("100.00"))]
    with pytest.raises(errors.IdempotencyKeyReused):
        pay(staff, dealer, "99.00", idempotency_key="bank-777")
    other = pay(staff, DealerFactory(), "100.00", idempotency_key="bank-777")  # keys are per dealer
    assert other.pk != first.pk


@pytest.mark.django_db(transaction=True)
def test_two_threads_posting_the_same_key_at_once_make_one_payment():
    staff = StaffFactory()
    dealer = DealerFactory()
    InvoiceFactory(dealer=dealer, total_gross=D("500.00"))
    barrier = threading.Barrier(2)
    results, failures = [], []

    def post():
        try:
            barrier.wait(5)
            results.append(pay(staff, dealer, "300.00", idempotency_key="same-key").pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures, failures
    assert len(set(results)) == 1 and Payment.objects.count() == 1
    assert Allocation.objects.count() == 1 and selectors.open_balance(dealer=dealer) == D("200.00")


# --- credit notes --------------------------------------------------------------------------------------------------

def test_a_credit_note_by_hand_settles_the_oldest_invoice(staff, dealer, three):
    from dealers.models import Role

    finance = DealerUserFactory(dealer=dealer, role=Role.FINANCE)
    note = allocation.issue_credit_note(actor=staff, dealer=dealer, amount="30.00", reason="Damaged box")
    assert note.number.startswith("CN-") and note.allocated == D("30.00")
    assert states(three[0]) == [(InvoiceStatus.PARTIALLY_PAID, D("30.00"))]
    assert AuditEntry.objects.filter(action="credit_note.issued").count() == 1
    from portal.models import Notification

    mail = Notification.objects.get(template="payments/credit_note_issued", recipient=finance.email)
    assert mail.context["number"] == note.number and mail.context["reason"] == "Damaged box"
    with pytest.raises(errors.ReasonRequired):
        allocation.issue_credit_note(actor=staff, dealer=dealer, amount="30.00", reason=" ")
    with pytest.raises(errors.NotAllowed):
        allocation.issue_credit_note(actor=DealerUserFactory(dealer=dealer), dealer=dealer, amount="1.00", reason="x")


def test_a_received_return_becomes_a_credit_note_on_the_orders_invoice(staff, db):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    product = priced(PriceListFactory(kind="market"), "33.33", sku="RET-1", stock_quantity=100)
    order = ordering.place_order(actor=actor_of(owner), lines=[(product, 3)], checkout=ordering.Checkout())
    invoice = invoices.issue_invoice(order=order, actor=staff)  # 99.99 + 20.00 VAT = 119.99
    for status in ("confirmed", "shipped", "delivered"):
        set_status(actor=staff, order=order, status=status)
    line = order.lines.get()
    rma = returns.request_return(actor=actor_of(owner), line=line, quantity=2, reason="Broken")
    returns.approve_return(actor=staff, rma=rma)
    assert not CreditNote.objects.filter(return_request=rma).exists()  # approved: the goods are still to come back
    returns.receive_return(actor=staff, rma=rma)
    note = CreditNote.objects.get(return_request=rma)
    assert note.amount == D("79.99")  # 2 × 33.33 = 66.66 net + 13.33 VAT
    assert note.dealer == dealer and rma.number in note.reason
    invoice.refresh_from_db()
    assert invoice.settled == D("79.99") and invoice.status == InvoiceStatus.PARTIALLY_PAID
