"""The credit accounts' admin: its list counts each row's exposure once, in the list's own query (the shown amounts
are the service's), its form validates without writing and writes only when saved, and reading a dealer's credit
never creates an account."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders.models import Order, OrderStatus, PaymentMethod
from payments.models import CreditAccount
from payments.services import credit
from payments.testing import InvoiceFactory
from portal.models import AuditEntry
from portal.money import format_money

D = Decimal
pytestmark = pytest.mark.django_db


def _account(limit, invoiced, on_account):
    """A dealer's account with an open invoice of `invoiced` and an on-account order not yet invoiced of
    `on_account` (plus a cancelled and a wire order, which never count)."""
    dealer = DealerFactory()
    user = DealerUserFactory(dealer=dealer)
    InvoiceFactory(dealer=dealer, total_gross=D(invoiced))
    for n, (method, status, total) in enumerate([(PaymentMethod.ON_ACCOUNT, OrderStatus.PLACED, on_account),
                                                 (PaymentMethod.ON_ACCOUNT, OrderStatus.CANCELLED, "999.00"),
                                                 (PaymentMethod.WIRE, OrderStatus.PLACED, "555.00")]):
        Order.objects.create(number=f"ORD-CA-{dealer.pk}-{n}", dealer=dealer, placed_by=user, payment_method=method,
                             status=status, total_gross=D(total))
    return CreditAccount.objects.create(dealer=dealer, credit_limit=D(limit))


def _list(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:payments_creditaccount_changelist"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_list_counts_each_exposure_once_and_shows_the_services_amounts(client):
    client.force_login(StaffFactory())
    accounts = [_account("5000.00", "1200.00", "300.00"), _account("1000.00", "250.50", "0.01")]
    html, few = _list(client)
    accounts += [_account("800.00", "100.00", "900.00") for _ in range(4)]
    html, many = _list(client)
    # The same number of queries for 2 rows and for 6: no query per row (the exposure is annotated).
    assert few == many == 6  # session, user, count, full count, the rows with their exposure, the filters' values
    for account in accounts:
        owed = credit.exposure(account.dealer)
        account_with = credit.with_exposure(CreditAccount.objects.filter(pk=account.pk)).get()
        assert account_with.exposure == owed
        assert format_money(owed, account.currency) in html
        assert format_money(account.credit_limit - owed, account.currency) in html
    assert credit.exposure(accounts[0].dealer) == D("1500.00")
    assert credit.exposure(accounts[1].dealer) == D("250.51")
    assert format_money(D("-200.00"), "TRY") in html  # 800.00 limit, 1,000.00 owed: over the limit, shown as such


def test_a_refused_change_writes_nothing_and_a_valid_one_is_written_once_on_save(client):
    client.force_login(StaffFactory())
    account = _account("1000.00", "10.00", "0.00")
    url = reverse("admin:payments_creditaccount_change", args=[account.pk])
    data = {"credit_limit": "2000.00", "currency": "TRY", "payment_terms_days": 500, "allowed_methods": "[]",
            "hold_reason": ""}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "Payment terms are a whole number of days" in refused.content.decode()
    account.refresh_from_db()
    assert account.credit_limit == D("1000.00") and not AuditEntry.objects.filter(action="credit.account_changed")
    assert client.post(url, {**data, "payment_terms_days": 45}).status_code == 302
    account.refresh_from_db()
    assert (account.credit_limit, account.payment_terms_days) == (D("2000.00"), 45)
    assert AuditEntry.objects.filter(action="credit.account_changed").count() == 1


def test_staff_without_the_finance_permission_are_refused_on_the_form(client):
    staff = StaffFactory(is_superuser=False)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(*Permission.objects.filter(codename__in=["add_creditaccount", "view_creditaccount"]))
    client.force_login(staff)
    dealer = DealerFactory()
    response = client.post(reverse("admin:payments_creditaccount_add"), {
        "dealer": dealer.pk, "credit_limit": "2500.00", "currency": "TRY", "payment_terms_days": 45,
        "allowed_methods": "[]", "hold_reason": ""})
    assert response.status_code == 200 and "Only finance staff" in response.content.decode()
    assert not CreditAccount.objects.filter(dealer=dealer).exists()


def test_reading_a_dealers_credit_never_creates_its_account(settings):
    settings.DEFAULT_CREDIT_LIMIT = "750"
    dealer = DealerFactory()
    status = credit.credit_status(dealer)
    assert status.limit == D("750.00") and status.available == D("750.00")
    assert credit.account_of(dealer).pk is None
    assert not CreditAccount.objects.filter(dealer=dealer).exists()
    opened = credit.open_account(dealer)
    assert opened.pk and credit.account_of(dealer) == opened and credit.open_account(dealer) == opened
