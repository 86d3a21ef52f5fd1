"""The daily overdue job with time travel: invoices become overdue after their due date, the dealer is reminded
once per configured day, and an invoice late beyond the limit puts the account on hold, which refuses orders on
account. Running the job twice changes nothing more."""
import datetime
from decimal import Decimal

import pytest
import time_machine

from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory
from orders.services import ordering
from orders.testing import actor_of, priced, with_addresses
from payments.models import CreditAccount, Invoice, InvoiceStatus
from payments.services import AccountOnHold, run_overdue
from portal.models import AuditEntry, Notification
from pricing.testing import PriceListFactory

DUE = datetime.date(2026, 3, 31)


# Overrides the root `dealer`: one with reminder days, auto-hold, a credit account and addresses.
@pytest.fixture
def dealer(db, settings):
    settings.INVOICE_REMINDER_DAYS = [-3, 0, 7]
    settings.AUTO_HOLD_AFTER_DAYS = 30
    dealer = with_addresses(DealerFactory())
    CreditAccount.objects.create(dealer=dealer, credit_limit=Decimal("100000"))
    return dealer


@pytest.fixture
def invoice(dealer):
    return Invoice.objects.create(number="INV-2026-000001", dealer=dealer, issue_date=DUE - datetime.timedelta(30),
                                  due_date=DUE, total_net=Decimal("1000"), total_vat=Decimal("200"),
                                  total_gross=Decimal("1200"))


def _on(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(7, 0)), tick=False)


def reminders(user):
    return list(Notification.objects.filter(template="payments/invoice_reminder", recipient=user.email).order_by("pk")
                .values_list("context__when", "context__days"))


def test_reminders_before_on_and_after_the_due_date_once_each(dealer, finance, invoice):
    with _on(DUE - datetime.timedelta(days=4)):
        assert run_overdue() == {"overdue": 0, "reminded": 0, "held": 0}
    with _on(DUE - datetime.timedelta(days=3)):
        run_overdue()
        run_overdue()
    assert reminders(finance) == [("before", 3)]
    with _on(DUE):
        run_overdue()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN and reminders(finance)[-1] == ("on", 0)
    with _on(DUE + datetime.timedelta(days=1)):
        assert run_overdue()["overdue"] == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OVERDUE
    assert AuditEntry.objects.filter(action="invoice.overdue").count() == 1
    with _on(DUE + datetime.timedelta(days=9)):
        run_overdue()
        run_overdue()
    assert reminders(finance) == [("before", 3), ("on", 0), ("after", 7)]


def test_a_paid_invoice_is_neither_overdue_nor_reminded(dealer, finance, invoice):
    Invoice.objects.filter(pk=invoice.pk).update(settled=Decimal("1200"), status=InvoiceStatus.PAID)
    with _on(DUE + datetime.timedelta(days=40)):
        assert run_overdue() == {"overdue": 0, "reminded": 0, "held": 0}
    assert reminders(finance) == []


def test_thirty_days_late_puts_the_account_on_hold_and_refuses_orders_on_account(dealer, finance, invoice):
    product = priced(PriceListFactory(kind="market"), "10.00", sku="HOLD-1")
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    with _on(DUE + datetime.timedelta(days=29)):
        assert run_overdue()["held"] == 0
    with _on(DUE + datetime.timedelta(days=30)):
        assert run_overdue()["held"] == 1
        assert run_overdue()["held"] == 0
    account = CreditAccount.objects.get(dealer=dealer)
    assert account.on_hold and "30 days overdue" in account.hold_reason
    assert Notification.objects.filter(template="payments/account_on_hold", recipient=finance.email).exists()
    with pytest.raises(AccountOnHold):
        ordering.place_order(actor=actor_of(owner), lines=[(product, 1)], checkout=ordering.Checkout())
    ordering.place_order(actor=actor_of(owner), lines=[(product, 1)],
                         checkout=ordering.Checkout(payment_method="wire"))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_daily_job(celery_worker, settings):
    from payments.tasks import run_overdue_task
    from portal.testing import wait_until

    dealer = with_addresses(DealerFactory())
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    invoice = Invoice.objects.create(number="INV-W-1", dealer=dealer, issue_date=yesterday, due_date=yesterday,
                                     total_net=Decimal("10"), total_vat=Decimal("2"), total_gross=Decimal("12"))
    run_overdue_task.delay()
    try:
        wait_until(lambda: Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.OVERDUE, 120, "the overdue job")
    except TimeoutError:
        print(celery_worker.output()[-6000:])
        raise


def test_the_next_installment_is_reminded_afresh_once_the_first_is_paid(dealer, finance, invoice):
    from dealers.testing import StaffFactory
    from payments.models import InvoiceInstallment
    from payments.services.allocation import record_payment

    second_due = datetime.date(2026, 4, 30)
    Invoice.objects.filter(pk=invoice.pk).update(installments=2)
    InvoiceInstallment.objects.create(invoice=invoice, number=1, due_date=DUE, amount=Decimal("600"))
    InvoiceInstallment.objects.create(invoice=invoice, number=2, due_date=second_due, amount=Decimal("600"))
    with _on(DUE + datetime.timedelta(days=8)):
        run_overdue()
        assert reminders(finance)[-1] == ("after", 7)
        record_payment(actor=StaffFactory(), dealer=dealer, amount="600.00", kind="wire",
                       received_on=DUE + datetime.timedelta(days=8))
    invoice.refresh_from_db()
    assert invoice.due_date == second_due and invoice.status == InvoiceStatus.PARTIALLY_PAID
    with _on(second_due - datetime.timedelta(days=3)):
        run_overdue()
    assert reminders(finance)[-1] == ("before", 3)
