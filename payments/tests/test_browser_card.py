"""A dealer pays an order by card in a real Chromium: checkout with a card installment plan, the order page's
"Pay by card", the (offline test) provider's page, back to the order with the payment authorised. The provider's
page has no card field and says it is a test."""
from decimal import Decimal

import pytest

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from orders.models import Order
from orders.testing import paste_into_cart, priced, with_addresses
from payments.models import CardPayment, CardPaymentStatus
from portal.testing import log_in
from pricing.models import PaymentAdjustment
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dealer_pays_an_order_by_card_in_three_installments(live_server, page, settings):
    settings.CARD_PAYMENT_PROVIDER = "payments.cards.offline.OfflineTestProvider"
    dealer = with_addresses(DealerFactory())
    priced(PriceListFactory(kind="market"), "100.00", sku="LED-600", stock_quantity=100)
    PaymentAdjustment.objects.create(method="card", installments=3, percent=Decimal("3"))
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="owner@card.example.com")
    base = live_server.url

    log_in(page, base, owner.email, PASSWORD, dealer.code)
    paste_into_cart(page, base, "LED-600 2")
    page.click("#to-checkout")
    page.select_option("select[name=payment_method]", "card:3")
    page.click("#to-review")
    page.wait_for_load_state()
    assert "Card, 3 monthly installments (+3 %)" in page.locator("#review-payment").inner_text()
    assert page.locator("#card-note").is_visible()
    page.click("#place-order")
    page.wait_for_load_state()
    order = Order.objects.get()
    assert order.payment_method == "card" and order.installments == 3 and order.total_gross == Decimal("247.20")

    page.click("#pay-by-card")
    page.wait_for_load_state()
    provider_page = page.locator("#offline-card-page").inner_text()
    assert "Offline test payment provider" in provider_page and "247.20" in provider_page
    assert page.locator("#offline-card-page input:not([type=hidden])").count() == 0  # no card field at all
    page.click("#offline-approve")
    page.wait_for_load_state()
    assert order.number in page.url
    assert "is authorised" in page.locator(".messages").inner_text()
    assert "Authorised" in page.locator("#card-payment-status").inner_text()
    assert page.locator("#pay-by-card").count() == 0
    assert CardPayment.objects.get(order=order).status == CardPaymentStatus.AUTHORISED

