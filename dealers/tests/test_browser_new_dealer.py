"""A new dealer orders on the day it is approved, in a real Chromium: staff approve it on the approve page with a
credit limit, its owner finds the application's addresses in the address book and orders on account. Without a limit,
checkout says why on account is not possible and the dealer orders by wire transfer."""
import re

import pytest
from django.utils import timezone

from dealers.models import Dealer
from dealers.testing import PASSWORD, AgentFactory, DealerFactory, DealerUserFactory, StaffFactory
from orders.models import Order
from orders.testing import paste_into_cart, priced
from payments.models import CreditAccount
from portal.testing import log_in
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def applied(db):
    """A business that applied with its address (factories: the public form is covered by test_browser.py)."""
    dealer = DealerFactory(status=Dealer.Status.APPLIED, legal_name="Ege Elektrik Ltd. Şti.", trade_name="Ege Elektrik",
                           address_line="Kordon Boyu No: 21", city="İzmir", postal_code="35220")
    DealerUserFactory(dealer=dealer, email="deniz@ege.example.com", first_name="Deniz", last_name="Kaya")
    priced(PriceListFactory(kind="market"), "100.00", sku="LED-600", name="LED panel 60x60", stock_quantity=100)
    return dealer


def approve_in_the_admin(page, base, dealer, **fields):
    """Staff open the dealer's page, press Approve and confirm on the approve page with `fields` filled in."""
    staff = StaffFactory(email="finance-admin@example.com")
    page.goto(base + "/admin/login/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(base + f"/admin/dealers/dealer/{dealer.pk}/change/")
    page.get_by_role("link", name=re.compile("^Approve$")).first.click()
    page.wait_for_load_state()
    for name, value in fields.items():
        if name == "agent":
            page.select_option("#id_agent", str(value))
        else:
            page.fill(f"#id_{name}", value)
    page.click("#content-main form input[type=submit]")  # the shared confirmation page (StatusMovesAdmin)
    page.wait_for_load_state()
    assert "is now “Approved”" in page.locator("ul.messagelist").inner_text()
    page.context.clear_cookies()
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.APPROVED
    return dealer


def to_review(page, base):
    paste_into_cart(page, base, "LED-600 2")
    page.click("#to-checkout")
    page.wait_for_load_state()


def test_a_new_dealer_approved_with_a_credit_limit_orders_on_account_the_same_day(live_server, page, applied):
    base = live_server.url
    agent = AgentFactory(first_name="Ali", last_name="Satış")
    # It applied with a warehouse as its delivery address.
    Dealer.objects.filter(pk=applied.pk).update(shipping_address_line="Atatürk OSB 10002 Sk. No: 4",
                                                shipping_city="Çiğli", shipping_postal_code="35620")

    # Staff approve it and set its credit on the approve page.
    approve_page_fields = {"credit_limit": "50000", "payment_terms_days": "45", "agent": agent.pk}
    dealer = approve_in_the_admin(page, base, applied, **approve_page_fields)

    # The owner logs in with the mailed code and finds the application's address in the address book.
    log_in(page, base, "deniz@ege.example.com", PASSWORD, dealer.code)
    page.goto(base + "/account/addresses/")
    billing = page.locator("section", has_text="Billing addresses").locator(".address")
    shipping = page.locator("section", has_text="Shipping addresses").locator(".address")
    assert billing.count() == 1 and shipping.count() == 1
    assert "Kordon Boyu No: 21" in billing.inner_text() and "35220 İzmir" in billing.inner_text()
    assert "Atatürk OSB 10002 Sk. No: 4" in shipping.inner_text() and "35620 Çiğli" in shipping.inner_text()
    assert "Default" in billing.inner_text() and "Default" in shipping.inner_text()

    # The dashboard shows the limit, and checkout offers on account with the addresses filled in.
    page.goto(base + "/account/")
    assert "50,000.00 TRY" in page.locator("#credit-limit").inner_text()
    to_review(page, base)
    assert "Kordon Boyu No: 21" in page.locator("#id_billing_address option:checked").inner_text()
    assert "Atatürk OSB 10002 Sk. No: 4" in page.locator("#id_shipping_address option:checked").inner_text()
    page.select_option("#id_payment_method", "on_account")
    page.click("#to-review")
    page.wait_for_load_state()
    page.click("#place-order")
    page.wait_for_load_state()
    assert re.search(r"Thank you: order \S+ is placed\.", page.locator("body").inner_text())
    order = Order.objects.get(dealer=dealer)
    assert order.payment_method == "on_account" and timezone.localdate(order.created_at) == timezone.localdate()
    assert CreditAccount.objects.get(dealer=dealer).payment_terms_days == 45
    assert list(dealer.agents.all()) == [agent]


def test_a_new_dealer_without_a_limit_is_told_why_and_orders_by_wire_transfer(live_server, page, applied, settings):
    settings.DEFAULT_CREDIT_LIMIT = "0"
    base = live_server.url
    dealer = approve_in_the_admin(page, base, applied, credit_limit="0")

    log_in(page, base, "deniz@ege.example.com", PASSWORD, dealer.code)
    page.goto(base + "/account/")
    note = page.locator("#credit-none").inner_text()
    assert "no credit limit yet" in note and "Meanwhile you can order and pay by wire transfer or by card." in note

    to_review(page, base)
    on_account = page.locator("#id_payment_method option[value=on_account]")
    assert on_account.is_disabled() and on_account.inner_text() == "On account: not available now"
    assert page.locator("#id_payment_method option:checked").inner_text() == "Wire transfer"
    explanation = page.locator("#payment-note").inner_text()
    assert "Your company has no credit limit yet" in explanation
    assert "You can pay this order by wire transfer or by card instead." in explanation
    page.click("#to-review")
    page.wait_for_load_state()
    assert page.locator("#review-payment").inner_text() == "Wire transfer"
    page.click("#place-order")
    page.wait_for_load_state()
    assert re.search(r"Thank you: order \S+ is placed\.", page.locator("body").inner_text())
    order = Order.objects.get(dealer=dealer)
    assert order.payment_method == "wire" and timezone.localdate(order.created_at) == timezone.localdate()
