"""A buyer whose company has too little credit left checks out in a real Chromium and sees the refusal, with
the amounts, next to the form; nothing is ordered."""
from decimal import Decimal

import pytest

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from orders.models import Order
from orders.services import ordering
from orders.testing import actor_of, paste_into_cart, priced, with_addresses
from payments.models import CreditAccount
from portal.testing import log_in
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_buyer_over_the_available_credit_sees_the_refusal_at_checkout(live_server, page):
    dealer = with_addresses(DealerFactory())
    CreditAccount.objects.create(dealer=dealer, credit_limit=Decimal("1000.00"))
    product = priced(PriceListFactory(kind="market"), "100.00", sku="LED-600", stock_quantity=100)
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    ordering.place_order(actor=actor_of(owner), lines=[(product, 7)], checkout=ordering.Checkout())  # 840.00 used
    buyer = DealerUserFactory(dealer=dealer, role=Role.BUYER, email="buyer@credit.example.com")
    base = live_server.url

    log_in(page, base, buyer.email, PASSWORD, dealer.code)
    paste_into_cart(page, base, "LED-600 2")
    page.click("#to-checkout")
    page.click("#to-review")
    page.wait_for_load_state()
    page.click("#place-order")
    page.wait_for_load_state()
    error = page.locator("#checkout-form .errorlist").inner_text()
    assert "Order total 240.00 TRY exceeds your available credit of 160.00 TRY." in error
    assert Order.objects.count() == 1
