"""Credit: the limit holds under any number of parallel orders and on every path an order can take, a hold
refuses orders on account, crossings of the threshold are told once, account changes are audited."""
import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from dealers.models import Role
from dealers.testing import AgentFactory, DealerFactory, DealerUserFactory, StaffFactory
from orders.models import Order, OrderStatus
from orders.services import changes, ordering
from orders.testing import actor_of, priced, with_addresses
from payments.models import CreditAccount, Invoice
from payments.services import credit
from portal.models import AuditEntry, Notification

D = Decimal


# Overrides the root `dealer`: one with a credit account of 1,200.00 and addresses.
@pytest.fixture
def dealer(db):
    dealer = with_addresses(DealerFactory())
    CreditAccount.objects.create(dealer=dealer, credit_limit=D("1200.00"))
    return dealer


@pytest.fixture
def product(market):
    # 100.00 net, 120.00 with VAT: ten of them are the whole limit.
    return priced(market, "100.00", sku="CR-1", stock_quantity=100000)


def place(actor, quantity, product, **checkout):
    return ordering.place_order(actor=actor, lines=[(product, quantity)], checkout=ordering.Checkout(**checkout))


def test_an_order_within_the_limit_is_placed_and_counts_in_the_exposure(owner, dealer, product):
    place(actor_of(owner), 4, product)  # 480.00
    status = credit.credit_status(dealer)
    assert (status.limit, status.exposure, status.available) == (D("1200.00"), D("480.00"), D("720.00"))


def test_an_order_over_the_available_credit_is_refused_with_the_amounts(owner, dealer, product):
    place(actor_of(owner), 8, product)  # 960.00
    with pytest.raises(credit.OverCreditLimit) as exc:
        place(actor_of(owner), 3, product)  # 360.00 > 240.00
    assert str(exc.value.message) == ("Order total 360.00 TRY exceeds your available credit of 240.00 TRY. "
                                      "You can pay this order by wire transfer or by card instead.")
    assert exc.value.conflict and Order.objects.count() == 1


def test_the_refusal_speaks_the_dealers_language(owner, dealer, product):
    with translation.override("tr"), pytest.raises(credit.OverCreditLimit) as exc:
        place(actor_of(owner), 11, product)
    message = str(exc.value.message)
    assert "1.320,00 TRY" in message and "1.200,00 TRY" in message and "exceeds" not in message


def test_open_invoices_count_until_they_are_paid(owner, dealer, product):
    today = timezone.localdate()
    invoice = Invoice.objects.create(number="INV-T-1", dealer=dealer, issue_date=today, due_date=today,
                                     total_net=D("800"), total_vat=D("160"), total_gross=D("960"))
    with pytest.raises(credit.OverCreditLimit):
        place(actor_of(owner), 3, product)
    Invoice.objects.filter(pk=invoice.pk).update(settled=D("960"), status="paid")
    place(actor_of(owner), 3, product)


def test_wire_orders_do_not_use_credit_but_a_method_the_account_forbids_is_refused(owner, dealer, product):
    place(actor_of(owner), 20, product, payment_method="wire")
    assert credit.credit_status(dealer).exposure == 0
    CreditAccount.objects.filter(dealer=dealer).update(allowed_methods=["on_account"])
    with pytest.raises(credit.MethodNotAllowed):
        place(actor_of(owner), 1, product, payment_method="wire")


def test_a_hold_refuses_orders_on_account_only(owner, dealer, product):
    account = credit.put_on_hold(actor=StaffFactory(), account=dealer.credit_account, reason="Invoices 60 days late")
    with pytest.raises(credit.AccountOnHold) as exc:
        place(actor_of(owner), 1, product)
    assert "Invoices 60 days late" in str(exc.value.message)
    place(actor_of(owner), 1, product, payment_method="wire")
    entry = AuditEntry.objects.get(action="credit.account_changed")
    assert entry.data["after"] == {"on_hold": True, "hold_reason": "Invoices 60 days late"}
    assert account.on_hold


# --- every path passes the check -------------------------------------------------------------------------------

def test_an_approver_cannot_approve_past_the_limit(dealer, product):
    buyer = DealerUserFactory(dealer=dealer, role=Role.BUYER, order_limit=D("100"))
    approver = DealerUserFactory(dealer=dealer, role=Role.APPROVER)
    waiting = place(actor_of(buyer), 6, product)  # 720.00, waits: no credit used yet
    assert waiting.status == OrderStatus.PENDING_APPROVAL and credit.credit_status(dealer).exposure == 0
    place(actor_of(approver), 6, product)  # 720.00 placed
    with pytest.raises(credit.OverCreditLimit):
        ordering.approve_order(actor=actor_of(approver), order=waiting)
    waiting.refresh_from_db()
    assert waiting.status == OrderStatus.PENDING_APPROVAL


def test_a_change_upwards_is_checked_and_a_change_downwards_is_not(owner, dealer, product):
    order = place(actor_of(owner), 8, product)
    line = order.lines.get()
    with pytest.raises(credit.OverCreditLimit):
        changes.change_order_quantities(actor=actor_of(owner), order=order, quantities={line.pk: D(11)})
    order.refresh_from_db()
    assert order.total_gross == D("960.00")
    CreditAccount.objects.filter(dealer=dealer).update(credit_limit=D("500"))
    changes.change_order_quantities(actor=actor_of(owner), order=order, quantities={line.pk: D(2)})


def test_an_agent_acting_for_the_dealer_is_held_to_the_same_limit(dealer, product):
    agent = AgentFactory(dealers=[dealer])
    with pytest.raises(credit.OverCreditLimit):
        place(actor_of(agent, dealer), 11, product)


def test_a_cancelled_order_cannot_be_reopened_around_the_check(owner, dealer, product):
    order = place(actor_of(owner), 10, product)
    changes.cancel_order(actor=actor_of(owner), order=order)
    place(actor_of(owner), 10, product)
    from orders.errors import StatusNotAllowed

    with pytest.raises(StatusNotAllowed):
        changes.set_status(actor=StaffFactory(), order=order, status=OrderStatus.PLACED)
    assert credit.credit_status(dealer).exposure == D("1200.00")


def test_checkout_and_api_show_the_refusal(client, owner, dealer, product):
    place(actor_of(owner), 9, product)
    client.force_login(owner)
    response = client.post(reverse("api:me-orders"), {"lines": [{"sku": "CR-1", "quantity": "2"}]},
                           content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "payments.over_credit_limit"
    assert "exceeds your available credit of 120.00 TRY" in response.json()["detail"]


def test_quote_acceptance_is_checked(owner, dealer, product):
    from pricing.services import QuoteLineInput, accept_quote, request_quote, send_quote, update_quote

    staff = StaffFactory()
    quote = request_quote(actor=actor_of(owner), lines=[(product, 11)])
    update_quote(actor=staff, quote=quote, header={"valid_until": timezone.localdate() + datetime.timedelta(days=5)},
                 lines=[QuoteLineInput(product=product, quantity=11)])
    quote = send_quote(actor=staff, quote=quote)
    with pytest.raises(credit.OverCreditLimit):
        accept_quote(actor=actor_of(owner), quote=quote)
    quote.refresh_from_db()
    assert quote.status == "sent" and not Order.objects.exists()


# --- concurrency ------------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_orders_of_a_tenth_of_the_limit_never_pass_it(market):
    dealer = with_addresses(DealerFactory())
    CreditAccount.objects.create(dealer=dealer, credit_limit=D("12000.00"))
    product = priced(market, "100.00", sku="PAR-1", stock_quantity=100000)  # 10 × 120.00 = a tenth of the limit
    users = [DealerUserFactory(dealer=dealer, role=Role.OWNER) for _ in range(5)]
    barrier, placed, refused, errors = threading.Barrier(50), [], [], []

    def order(i):
        try:
            barrier.wait()
            placed.append(place(actor_of(users[i % 5]), 10, product).number)
        except credit.OverCreditLimit as exc:
            refused.append(str(exc.message))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=order, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(placed) == 10 and len(refused) == 40
    assert all("exceeds your available credit of 0.00 TRY" in message for message in refused)
    assert credit.credit_status(dealer).exposure == D("12000.00")
    # Finance heard of every refusal, even though each refused order was rolled back.
    assert Notification.objects.filter(template="payments/credit_refused").count() == 40


@pytest.mark.django_db(transaction=True)
def test_a_refusal_tells_finance_and_the_account_manager(market, settings):
    settings.FINANCE_NOTIFY_EMAILS = ["finance@example.com"]
    dealer = with_addresses(DealerFactory())
    agent = AgentFactory(dealers=[dealer], email="agent.ayse@example.com")
    CreditAccount.objects.create(dealer=dealer, credit_limit=D("100.00"))
    product = priced(market, "100.00", sku="REF-1")
    with pytest.raises(credit.OverCreditLimit):
        place(actor_of(DealerUserFactory(dealer=dealer)), 1, product)
    assert set(Notification.objects.filter(template="payments/credit_refused").values_list("recipient", flat=True)) \
        == {"finance@example.com", agent.email}


def test_crossing_the_threshold_is_told_once_per_crossing(owner, dealer, product, settings,
                                                          django_capture_on_commit_callbacks):
    settings.FINANCE_NOTIFY_EMAILS = ["finance@example.com"]

    def told():
        return Notification.objects.filter(template="payments/credit_threshold", recipient="finance@example.com").count()

    place(actor_of(owner), 5, product)  # 50 %
    assert told() == 0
    big = place(actor_of(owner), 4, product)  # 90 %: crossed
    assert told() == 1 and Notification.objects.filter(template="payments/credit_threshold",
                                                        recipient=owner.email).exists()
    place(actor_of(owner), 0 + 1, product)  # 100 %: still above, not told again
    assert told() == 1
    changes.cancel_order(actor=actor_of(owner), order=big)
    place(actor_of(owner), 1, product)  # below again (70 %): the flag resets
    place(actor_of(owner), 3, product)  # 100 %: crossed again
    assert told() == 2


def test_finance_staff_change_accounts_through_the_service_and_it_is_audited(dealer):
    staff = StaffFactory()
    account = credit.update_credit_account(actor=staff, account=dealer.credit_account,
                                           changes={"credit_limit": "5000", "payment_terms_days": 45})
    assert account.credit_limit == D("5000.00") and account.payment_terms_days == 45
    entry = AuditEntry.objects.get(action="credit.account_changed")
    assert entry.data == {"before": {"credit_limit": "1200.00", "payment_terms_days": 30},
                          "after": {"credit_limit": "5000.00", "payment_terms_days": 45}}
    for bad in ({"credit_limit": -1}, {"credit_limit": 1.5}, {"allowed_methods": ["barter"]}, {"colour": "red"}):
        with pytest.raises(credit.InvalidCreditAccount):
            credit.update_credit_account(actor=staff, account=account, changes=bad)
    with pytest.raises(credit.InvalidCreditAccount):
        credit.update_credit_account(actor=DealerUserFactory(dealer=dealer), account=account, changes={"on_hold": True})


# --- where dealers and finance see it ---------------------------------------------------------------------------

def test_owners_see_their_credit_on_the_dashboard_and_buyers_do_not(client, owner, dealer, product):
    place(actor_of(owner), 5, product)
    client.force_login(owner)
    html = client.get(reverse("dealers:dashboard")).content.decode()
    assert 'id="credit-summary"' in html and "600.00" in html and "50 % used" in html
    client.force_login(DealerUserFactory(dealer=dealer, role=Role.BUYER))
    assert 'id="credit-summary"' not in client.get(reverse("dealers:dashboard")).content.decode()


def test_the_review_page_warns_before_an_order_over_the_available_credit(client, owner, dealer, product):
    from orders.models import Cart, CartLine

    place(actor_of(owner), 9, product)
    CartLine.objects.create(cart=Cart.objects.create(user=owner, dealer=dealer), product=product, quantity=2)
    client.force_login(owner)
    addresses = {a.kind: a.pk for a in dealer.addresses.all()}
    review = client.post(reverse("orders:checkout"), {
        "shipping_address": addresses["shipping"], "billing_address": addresses["billing"],
        "shipping_method": "standard", "payment_method": "on_account", "token": "t", "step": "review"})
    assert 'id="credit-over"' in review.content.decode()
    placed = client.post(reverse("orders:checkout"), {
        "shipping_address": addresses["shipping"], "billing_address": addresses["billing"],
        "shipping_method": "standard", "payment_method": "on_account", "token": "t", "step": "place"})
    assert "exceeds your available credit of 120.00 TRY" in placed.content.decode()
    assert Order.objects.count() == 1


def test_api_credit_status_for_owners_not_buyers(client, owner, dealer, product):
    place(actor_of(owner), 5, product)
    client.force_login(owner)
    body = client.get(reverse("api:me-credit")).json()
    assert (body["limit"], body["exposure"], body["available"], body["used_percent"]) == ("1200.00", "600.00",
                                                                                          "600.00", 50)
    client.force_login(DealerUserFactory(dealer=dealer, role=Role.BUYER))
    assert client.get(reverse("api:me-credit")).status_code == 403


def test_admin_changes_go_through_the_audited_service(client, dealer):
    client.force_login(StaffFactory())
    account = dealer.credit_account
    url = reverse("admin:payments_creditaccount_change", args=[account.pk])
    assert "exposure" in client.get(reverse("admin:payments_creditaccount_changelist")).content.decode()
    client.post(url, {"credit_limit": "3000.00", "currency": "TRY", "payment_terms_days": 60,
                      "allowed_methods": "[]", "hold_reason": ""})
    account.refresh_from_db()
    assert account.credit_limit == D("3000.00") and AuditEntry.objects.filter(action="credit.account_changed").exists()
    refused = client.post(url, {"credit_limit": "5000.00", "currency": "TRY", "payment_terms_days": 60,
                                "allowed_methods": '["paypal"]', "hold_reason": ""})
    assert refused.status_code == 200 and "Give a list of payment methods" in refused.content.decode()
    assert 'value="5000.00"' in refused.content.decode()
    account.refresh_from_db()
    assert account.credit_limit == D("3000.00") and account.allowed_methods == []


def test_a_credit_account_added_in_the_admin_is_audited_and_one_per_dealer(db, client):
    client.force_login(StaffFactory())
    dealer = with_addresses(DealerFactory())
    data = {"dealer": dealer.pk, "credit_limit": "2500.00", "currency": "TRY", "payment_terms_days": 45,
            "allowed_methods": "[]", "hold_reason": ""}
    assert client.post(reverse("admin:payments_creditaccount_add"), data).status_code == 302
    account = CreditAccount.objects.get(dealer=dealer)
    assert account.credit_limit == D("2500.00") and account.payment_terms_days == 45
    assert AuditEntry.objects.filter(action="credit.account_changed", dealer=dealer).exists()
    again = client.post(reverse("admin:payments_creditaccount_add"), {**data, "credit_limit": "9.00"})
    assert again.status_code == 200 and "already" in again.content.decode()
    assert CreditAccount.objects.filter(dealer=dealer).count() == 1


@pytest.mark.parametrize("default_limit, finance_mailed", [("0", True), ("25000", False)])
def test_an_approved_dealer_gets_its_account_and_finance_is_asked_for_a_limit(db, settings, default_limit,
                                                                              finance_mailed):
    from dealers.models import Dealer
    from dealers.services import approve_dealer

    settings.DEFAULT_CREDIT_LIMIT = default_limit
    settings.FINANCE_NOTIFY_EMAILS = ["credit-desk@example.com"]
    dealer = DealerFactory(status=Dealer.Status.APPLIED)
    approve_dealer(dealer=dealer, actor=StaffFactory())
    account = CreditAccount.objects.get(dealer=dealer)
    assert account.credit_limit == Decimal(default_limit)
    mails = Notification.objects.filter(template="payments/set_credit_limit", recipient="credit-desk@example.com")
    assert mails.exists() is finance_mailed
    if finance_mailed:
        assert f"/admin/payments/creditaccount/{account.pk}/change/" in mails.get().context["url"]


# --- a dealer with no credit limit is told why and what it can still do -----------------------------------------

@pytest.fixture
def no_limit(dealer):
    CreditAccount.objects.filter(dealer=dealer).update(credit_limit=D("0.00"))
    return dealer


def test_a_dealer_without_a_limit_is_refused_on_account_with_the_alternatives_named(owner, no_limit, product):
    with pytest.raises(credit.OverCreditLimit) as exc:
        place(actor_of(owner), 1, product)
    assert str(exc.value.message) == (
        "Your company has no credit limit yet, so it cannot order on account until our finance team sets one. "
        "You can pay this order by wire transfer or by card instead.")
    assert place(actor_of(owner), 1, product, payment_method="wire").payment_method == "wire"


def test_the_dashboard_says_why_there_is_no_credit_and_what_the_dealer_can_do(client, owner, no_limit):
    client.force_login(owner)
    html = client.get(reverse("dealers:dashboard")).content.decode()
    note = html.split('id="credit-none"')[1].split("</p>")[0]
    assert "no credit limit yet" in note and "Meanwhile you can order and pay by wire transfer or by card." in note
    CreditAccount.objects.filter(dealer=no_limit).update(credit_limit=D("500.00"))
    assert 'id="credit-none"' not in client.get(reverse("dealers:dashboard")).content.decode()


def test_checkout_shows_on_account_disabled_with_the_reason_and_offers_wire_and_card(client, owner, no_limit,
                                                                                      product):
    from orders.models import Cart, CartLine

    CartLine.objects.create(cart=Cart.objects.create(user=owner, dealer=no_limit), product=product, quantity=1)
    client.force_login(owner)
    with translation.override("en"):
        html = client.get(reverse("orders:checkout")).content.decode()
    select = html.split('name="payment_method"')[1].split("</select>")[0]
    assert '<option value="on_account" disabled>On account: not available now</option>' in select
    assert '<option value="wire" selected>Wire transfer</option>' in select and 'value="card"' in select
    note = html.split('id="payment-note"')[1].split("</p>")[0]
    assert "no credit limit yet" in note and "wire transfer or by card instead" in note
    # A buyer (who does not see the credit box) is told the same at the payment choice.
    client.force_login(DealerUserFactory(dealer=no_limit, role=Role.BUYER))
    CartLine.objects.create(cart=Cart.objects.create(user=no_limit.users.get(role=Role.BUYER), dealer=no_limit),
                            product=product, quantity=1)
    assert 'id="payment-note"' in client.get(reverse("orders:checkout")).content.decode()


def test_checkout_in_turkish_explains_it_too(client, settings, owner, no_limit, product):
    from orders.models import Cart, CartLine

    CartLine.objects.create(cart=Cart.objects.create(user=owner, dealer=no_limit), product=product, quantity=1)
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "tr"
    html = client.get(reverse("orders:checkout")).content.decode()
    assert "Cari hesap: şu anda kullanılamıyor" in html
    assert "finans ekibimiz bir limit belirleyene kadar cari hesaba sipariş veremez" in html
    assert "havale/EFT ile veya kartla ödeyebilirsiniz" in html


def test_the_api_lists_on_account_as_unavailable_with_the_reason(client, owner, no_limit):
    client.force_login(owner)
    listed = {o["method"]: o for o in client.get(reverse("api:me-payment-options")).json() if o["installments"] == 1}
    assert listed["on_account"]["unavailable"].startswith("Your company has no credit limit yet")
    assert listed["wire"]["unavailable"] == ""
