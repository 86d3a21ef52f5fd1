"""The invoice's and the card payment's lifecycles (payments.models.INVOICE, CARD_PAYMENT) over every (from, to) pair
of their statuses: an allowed pair moves and writes one history row (and an audit row); every other pair is refused
with the lifecycle's one code, as a conflict, and changes nothing."""
from decimal import Decimal

import pytest
from django.db import transaction

from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders.models import Order, PaymentMethod
from payments.errors import CardPaymentStatusNotAllowed, InvoiceStatusNotAllowed
from payments.models import CARD_PAYMENT, INVOICE, CardPayment, Invoice
from payments.services import allocation
from payments.testing import InvoiceFactory
from portal import locks
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def _card_payment(status):
    dealer = DealerFactory()
    user = DealerUserFactory(dealer=dealer)
    order = Order.objects.create(number=f"ORD-LT-{status}", dealer=dealer, placed_by=user,
                                 payment_method=PaymentMethod.CARD, total_gross=Decimal("120.00"))
    return CardPayment.objects.create(order=order, dealer=dealer, provider="offline", reference=f"ref-{status}",
                                      amount=Decimal("120.00"), status=status)


def _locked(life, obj):
    if life is INVOICE:
        return allocation.lock_rows(invoices=[obj])[2][obj.pk]
    return locks.card_payment(obj)


def _make(life, status):
    return InvoiceFactory(status=status) if life is INVOICE else _card_payment(status)


CASES = [(life, frm, to) for life in (INVOICE, CARD_PAYMENT) for frm, to in life.pairs()]


@pytest.mark.parametrize("life, frm, to", CASES, ids=[f"{life.name}:{frm}->{to}" for life, frm, to in CASES])
def test_every_pair_of_statuses_moves_or_is_refused_with_the_one_code(life, frm, to):
    obj = _make(life, frm)
    actor = StaffFactory()
    audits = AuditEntry.objects.count()
    if life.allowed(frm, to):
        with transaction.atomic():
            row = life.move(_locked(life, obj), to=to, actor=actor, note="table")
        obj.refresh_from_db()
        assert obj.status == to
        assert list(obj.status_changes.values_list("from_status", "to_status", "by", "note")) == [
            (frm, to, actor.pk, "table")]
        assert row.pk == obj.status_changes.get().pk
        assert AuditEntry.objects.count() == audits + 1
        return
    with pytest.raises(life.error) as refused, transaction.atomic():
        life.move(_locked(life, obj), to=to, actor=actor)
    error = refused.value
    assert error.code == {INVOICE: InvoiceStatusNotAllowed, CARD_PAYMENT: CardPaymentStatusNotAllowed}[life].code
    assert error.conflict and error.http_status == 409
    obj.refresh_from_db()
    assert obj.status == frm and not obj.status_changes.exists() and AuditEntry.objects.count() == audits


def test_each_lifecycle_has_its_own_code_and_the_tables_are_the_documented_ones():
    assert INVOICE.error.code == "payments.invoice_status_not_allowed"
    assert CARD_PAYMENT.error.code == "payments.card_payment_status_not_allowed"
    assert INVOICE.targets("void") == [] and INVOICE.targets("paid") == ["void"]
    assert CARD_PAYMENT.targets("started") == ["authorised", "declined", "released"]
    assert CARD_PAYMENT.targets("authorised") == ["captured", "released"]
    assert CARD_PAYMENT.targets("captured") == ["refunded"]
    assert all(CARD_PAYMENT.targets(s) == [] for s in ("declined", "released", "refunded"))


def test_the_services_move_invoices_through_the_lifecycle_and_the_task_is_nobody(settings):
    """Paying, marking overdue and voiding write one history row each (the overdue one with no actor)."""
    import datetime

    from django.utils import timezone

    from payments.services import invoices, overdue
    from payments.testing import FinanceStaffFactory

    finance = FinanceStaffFactory()
    late = InvoiceFactory(due_date=timezone.localdate() - datetime.timedelta(days=2), total_gross=Decimal("100.00"))
    overdue.run_overdue()
    allocation.record_payment(actor=finance, dealer=late.dealer, amount="40.00", kind="wire",
                              received_on=timezone.localdate())
    allocation.record_payment(actor=finance, dealer=late.dealer, amount="60.00", kind="wire",
                              received_on=timezone.localdate())
    late.refresh_from_db()
    assert late.status == "paid"
    assert list(late.status_changes.values_list("from_status", "to_status", "by")) == [
        ("open", "overdue", None), ("overdue", "paid", finance.pk)]  # a partial payment of a late invoice: still late

    fresh = InvoiceFactory()
    invoices.void_invoice(actor=finance, invoice=fresh, reason="Issued twice")
    fresh.refresh_from_db()
    assert fresh.status == "void"
    assert list(fresh.status_changes.values_list("from_status", "to_status", "note")) == [
        ("open", "void", "Issued twice")]
    assert AuditEntry.objects.filter(action="invoice.voided", target_id=str(fresh.pk)).count() == 1
    assert Invoice.objects.filter(pk=fresh.pk, void_reason="Issued twice").exists()


def test_the_admin_pages_show_the_moves(client):
    from django.urls import reverse

    from payments.services import invoices
    from payments.testing import FinanceStaffFactory

    invoice = InvoiceFactory()
    invoices.void_invoice(actor=FinanceStaffFactory(), invoice=invoice, reason="Sent to the wrong company")
    card = _card_payment("authorised")
    with transaction.atomic():
        CARD_PAYMENT.move(locks.card_payment(card), to="captured", actor=None, note="captured by the task")
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:payments_invoice_change", args=[invoice.pk])).content.decode()
    assert "Sent to the wrong company" in page
    page = client.get(reverse("admin:payments_cardpayment_change", args=[card.pk])).content.decode()
    assert "captured by the task" in page
