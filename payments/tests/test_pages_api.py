"""The dealer's invoice pages and API, the statement page and downloads, the staff's reconciliation, export and
payments API: who sees what (another dealer's invoice is 404), and the query counts at one and many rows."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dealers.models import Role
from dealers.testing import AgentFactory, DealerUserFactory, StaffFactory
from payments.models import InvoiceStatus, Payment
from payments.testing import FinanceStaffFactory, InvoiceFactory, PaymentFactory
from portal.api_tokens import create_api_token

D = Decimal


@pytest.fixture
def invoice(dealer):
    return InvoiceFactory(dealer=dealer, total_gross=D("240.00"))


@pytest.fixture
def foreign(db):
    return InvoiceFactory(total_gross=D("999.00"))


def test_finance_user_lists_and_opens_invoices(client, finance, invoice):
    client.force_login(finance)
    response = client.get(reverse("payments:invoices"))
    assert response.status_code == 200 and invoice.number in response.content.decode()
    response = client.get(reverse("payments:invoice", args=[invoice.number]))
    assert response.status_code == 200 and "240.00" in response.content.decode()
    assert 'class="nav-invoices"' in response.content.decode()


def test_invoice_list_filters_by_status(client, finance, dealer, invoice):
    paid = InvoiceFactory(dealer=dealer, status=InvoiceStatus.PAID, settled=D("100.00"))
    client.force_login(finance)
    body = client.get(reverse("payments:invoices"), {"status": "paid"}).content.decode()
    assert paid.number in body and invoice.number not in body


@pytest.mark.parametrize("role", [Role.BUYER, Role.VIEWER, Role.APPROVER])
def test_roles_without_pay_do_not_see_invoices(client, dealer, invoice, role):
    client.force_login(DealerUserFactory(dealer=dealer, role=role))
    assert client.get(reverse("payments:invoices")).status_code == 403
    # Its own dealer's file: refused like the page (403); another dealer's would be 404.
    assert client.get(reverse("payments:invoice_pdf", args=[invoice.number])).status_code == 403


def test_another_dealers_invoice_is_404_on_pages_and_api(client, finance, foreign):
    client.force_login(finance)
    assert client.get(reverse("payments:invoice", args=[foreign.number])).status_code == 404
    assert client.get(reverse("payments:invoice_pdf", args=[foreign.number])).status_code == 404
    response = client.get(reverse("api:me-invoice", args=[foreign.number]))
    assert response.status_code == 404
    assert foreign.number not in client.get(reverse("api:me-invoices")).content.decode()


def test_an_agent_acting_for_the_dealer_sees_its_invoices(client, dealer, invoice):
    agent = AgentFactory(dealers=[dealer])
    client.force_login(agent)
    client.post(reverse("dealers:act_for", args=[dealer.pk]))
    response = client.get(reverse("payments:invoices"))
    assert response.status_code == 200 and invoice.number in response.content.decode()


def test_statement_page_csv_and_pdf(client, finance, dealer, invoice):
    PaymentFactory(dealer=dealer, amount=D("40.00"), number="PAY-T-STMT")
    client.force_login(finance)
    today = timezone.localdate()
    query = {"date_from": (today - datetime.timedelta(days=5)).isoformat(), "date_to": today.isoformat()}
    body = client.get(reverse("payments:statement"), query).content.decode()
    assert invoice.number in body and "PAY-T-STMT" in body and "200.00" in body
    response = client.get(reverse("payments:statement_csv"), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "Closing balance" in response.content.decode() and "200.00" in response.content.decode()
    response = client.get(reverse("payments:statement_pdf"), query)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    response = client.get(reverse("payments:statement"), {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert response.status_code == 200 and "The period must start before it ends." in response.content.decode()


def test_invoice_list_query_count_does_not_grow_with_rows(client, finance, dealer, django_assert_max_num_queries):
    client.force_login(finance)
    InvoiceFactory(dealer=dealer)
    with django_assert_max_num_queries(14) as one:
        assert client.get(reverse("payments:invoices")).status_code == 200
    more = [InvoiceFactory(dealer=dealer) for _ in range(20)]
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("payments:invoices"))
    assert response.status_code == 200 and all(invoice.number in response.content.decode() for invoice in more)


def test_statement_query_count_does_not_grow_with_rows(client, finance, dealer, django_assert_max_num_queries):
    client.force_login(finance)
    InvoiceFactory(dealer=dealer)
    PaymentFactory(dealer=dealer)
    with django_assert_max_num_queries(16) as one:
        assert client.get(reverse("payments:statement")).status_code == 200
    rows = [(InvoiceFactory(dealer=dealer), PaymentFactory(dealer=dealer)) for _ in range(15)]
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("payments:statement"))
    body = response.content.decode()
    assert response.status_code == 200
    assert all(invoice.number in body and payment.number in body for invoice, payment in rows)


def test_api_lists_invoices_and_the_statement(client, finance, invoice):
    client.force_login(finance)
    body = client.get(reverse("api:me-invoices")).json()
    assert [row["number"] for row in body["results"]] == [invoice.number]
    detail = client.get(reverse("api:me-invoice", args=[invoice.number])).json()
    assert detail["total_gross"] == "240.00" and detail["pdf_url"] is None
    statement = client.get(reverse("api:me-statement")).json()
    assert statement["closing"] == "240.00" and statement["rows"][0]["number"] == invoice.number
    assert client.get(reverse("api:me-statement"), {"from": "nope"}).json()["code"] == "payments.invalid_period"


# --- staff ------------------------------------------------------------------------------------------------------------

@pytest.fixture
def token(db):
    staff = FinanceStaffFactory()
    return create_api_token(user=staff, name="Accounting", scopes=["payments:write"], actor=None)[1]


def post_payment(client, token, key=None, **data):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(reverse("api:payments"), data, content_type="application/json", **headers)


def test_accounting_system_posts_a_payment_once_per_idempotency_key(client, token, dealer, invoice):
    data = {"dealer": dealer.code, "amount": "100.00", "kind": "wire", "received_on": timezone.localdate().isoformat(),
            "reference": "EFT-1"}
    first = post_payment(client, token, key="k-1", **data)
    assert first.status_code == 201, first.json()
    assert first.json()["allocations"][0]["invoice"] == invoice.number
    again = post_payment(client, token, key="k-1", **data)
    assert again.status_code == 201 and again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1
    for changed in ({"amount": "5.00"}, {"kind": "cash"}, {"reference": "EFT-2"}):
        conflict = post_payment(client, token, key="k-1", **{**data, **changed})
        assert conflict.status_code == 422 and conflict.json()["code"] == "idempotency_key_reused"
    assert Payment.objects.count() == 1
    bad = post_payment(client, token, **{**data, "amount": 12.5})
    assert bad.status_code == 400
    bad = post_payment(client, token, **{**data, "amount": "-1"})
    assert bad.status_code == 400 and bad.json()["code"] == "payments.invalid_amount"


def test_allocations_endpoint_allocates_a_payment_by_hand(client, token, dealer, invoice):
    response = post_payment(client, token, dealer=dealer.code, amount="300.00", kind="cash",
                            received_on=timezone.localdate().isoformat(), allocate="none")
    number = response.json()["number"]
    url = reverse("api:payment-allocations", args=[number])
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    response = client.post(url, {"invoice": invoice.number, "amount": "100.00"}, content_type="application/json",
                           **headers)
    assert response.status_code == 200 and response.json()["allocated"] == "100.00"
    response = client.post(url, {"invoice": invoice.number, "amount": "200.00"}, content_type="application/json",
                           **headers)
    assert response.status_code == 409 and response.json()["code"] == "payments.over_allocation"


def test_an_allocation_replayed_with_its_key_allocates_once(client, token, dealer, invoice):
    response = post_payment(client, token, dealer=dealer.code, amount="300.00", kind="cash",
                            received_on=timezone.localdate().isoformat(), allocate="none")
    url = reverse("api:payment-allocations", args=[response.json()["number"]])
    headers = {"HTTP_AUTHORIZATION": f"Token {token}", "HTTP_IDEMPOTENCY_KEY": "alloc-1"}
    first = client.post(url, {"invoice": invoice.number, "amount": "100.00"}, content_type="application/json",
                        **headers)
    again = client.post(url, {"invoice": invoice.number, "amount": "100.00"}, content_type="application/json",
                        **headers)
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert again.json()["allocated"] == "100.00"
    other = client.post(url, {"invoice": invoice.number, "amount": "50.00"}, content_type="application/json",
                        **headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    invoice.refresh_from_db()
    assert invoice.settled == D("100.00")


def test_allocating_a_payment_oldest_first_spends_that_payment_only(client, token, dealer, invoice):
    other = PaymentFactory(dealer=dealer, amount=D("30.00"))
    response = post_payment(client, token, dealer=dealer.code, amount="50.00", kind="wire",
                            received_on=timezone.localdate().isoformat(), allocate="none")
    url = reverse("api:payment-allocations", args=[response.json()["number"]])
    answer = client.post(url, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
    assert answer.status_code == 200 and answer.json()["allocated"] == "50.00"
    other.refresh_from_db()
    invoice.refresh_from_db()
    assert other.allocated == D("0.00") and invoice.settled == D("50.00")


def test_a_token_without_the_scope_or_a_dealer_user_cannot_post_payments(client, finance, dealer):
    other = create_api_token(user=FinanceStaffFactory(), name="x", scopes=["catalog:read"], actor=None)[1]
    data = {"dealer": dealer.code, "amount": "1.00", "kind": "wire", "received_on": "2026-01-01"}
    assert post_payment(client, other, **data).status_code == 403
    client.force_login(finance)
    assert client.post(reverse("api:payments"), data, content_type="application/json").status_code == 403


def test_reconciliation_shows_unmatched_payments_and_allocates_by_hand(client, dealer, invoice):
    staff = FinanceStaffFactory()
    payment = PaymentFactory(dealer=dealer, amount=D("50.00"))
    client.force_login(staff)
    body = client.get(reverse("payments:reconciliation")).content.decode()
    assert payment.number in body and invoice.number in body
    by_hand = {"action": "allocate", "source": payment.number, "invoice": invoice.number, "amount": "25.00",
               "token": "first"}
    response = client.post(reverse("payments:reconciliation"), by_hand)
    assert response.status_code == 302
    # A double click (the same form's one-time token) allocates once; the token with other details allocates nothing.
    assert client.post(reverse("payments:reconciliation"), by_hand).status_code == 302
    reused = client.post(reverse("payments:reconciliation"), {**by_hand, "amount": "20.00"})
    assert reused.status_code == 200 and "already used for another allocation" in reused.content.decode()
    invoice.refresh_from_db()
    assert invoice.settled == D("25.00")
    response = client.post(reverse("payments:reconciliation"), {**by_hand, "token": "second"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.settled == D("50.00") and invoice.status == InvoiceStatus.PARTIALLY_PAID
    bad = client.post(reverse("payments:reconciliation"), {"action": "allocate_credit", "dealer": "abc"})
    assert bad.status_code == 404
    response = client.post(reverse("payments:reconciliation"), {"action": "allocate", "source": payment.number,
                                                                 "invoice": invoice.number, "amount": "1.00",
                                                                 "token": "third"})
    assert response.status_code == 200 and "left to allocate" in response.content.decode()
    export = client.get(reverse("payments:export"))
    assert export.status_code == 200 and invoice.number in export.content.decode()
    bad = client.get(reverse("payments:export"), {"date_from": "2026-13-40"})
    assert bad.status_code == 400 and "Enter a valid date" in bad.content.decode()


def test_reconciliation_is_for_finance_staff_only(client, finance):
    client.force_login(finance)
    assert client.get(reverse("payments:reconciliation")).status_code in (302, 403)
    client.force_login(StaffFactory(is_superuser=False))
    assert client.get(reverse("payments:reconciliation")).status_code == 403


def test_admin_records_a_payment_through_the_service(client, dealer, invoice):
    client.force_login(StaffFactory())
    response = client.post(reverse("admin:payments_payment_add"), {
        "dealer": dealer.pk, "kind": "wire", "amount": "240.00", "received_on": timezone.localdate().isoformat(),
        "reference": "Admin EFT"})
    assert response.status_code == 302, response.content.decode()[:2000]
    payment = Payment.objects.get()
    assert payment.number.startswith("PAY-") and payment.allocated == D("240.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert client.get(reverse("admin:payments_invoice_changelist")).status_code == 200
    assert client.get(reverse("admin:payments_allocation_changelist")).status_code == 200


def test_a_refused_admin_payment_keeps_what_was_typed_and_saves_nothing(client, dealer, invoice):
    client.force_login(StaffFactory())
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("admin:payments_payment_add"), {
        "dealer": dealer.pk, "kind": "wire", "amount": "240.00", "received_on": tomorrow,
        "reference": "EFT 778899"})
    html = response.content.decode()
    assert response.status_code == 200 and "cannot be received in the future" in html
    assert 'value="EFT 778899"' in html and 'value="240.00"' in html and tomorrow in html
    assert not Payment.objects.exists()
    refused_note = client.post(reverse("admin:payments_creditnote_add"), {
        "dealer": dealer.pk, "amount": "0.00", "reason": "Rounding"})
    assert refused_note.status_code == 200 and "Enter an amount above zero." in refused_note.content.decode()
    assert 'value="Rounding"' in refused_note.content.decode()
