"""In a real Chromium: quick order refuses a product that is not available at once, with the reason on its line; a
cart line above what can still be delivered is flagged with what can be, and checkout comes back once it is fixed."""
from decimal import Decimal

import pytest

from catalog.models import Product
from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from orders.testing import priced
from portal.testing import log_in
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_quick_order_refuses_a_product_that_is_not_available_at_once(live_server, page):
    dealer = DealerFactory()
    user = DealerUserFactory(dealer=dealer, role=Role.BUYER, email="buyer@gone.example.com")
    market = PriceListFactory(kind="market")
    priced(market, "100.00", sku="LED-600", name="LED panel 60x60")
    priced(market, "10.00", sku="GONE-1", name="Sold out lamp", stock_quantity=Decimal(0), allow_backorder=False,
           lead_time_days=14)
    base = live_server.url

    log_in(page, base, user.email, PASSWORD, dealer.code)
    page.goto(base + "/orders/cart/quick/")
    page.fill("#id_lines", "LED-600 2\nGONE-1 3")
    page.click("#quick-order-form button[type=submit]")
    page.wait_for_load_state()
    problem = page.locator("#problems tr[data-line='2']")
    assert "GONE-1" in problem.inner_text()
    assert "Not available. Out of stock and not available on backorder." in problem.inner_text()
    assert "1 line added to your cart." in page.inner_text("#quick-result")
    assert page.input_value("#id_lines").strip() == "GONE-1 3"


def test_a_cart_line_above_what_can_be_delivered_is_flagged_with_what_can_be(live_server, page):
    dealer = DealerFactory()
    user = DealerUserFactory(dealer=dealer, role=Role.BUYER, email="buyer@few.example.com")
    market = PriceListFactory(kind="market")
    few = priced(market, "20.00", sku="FEW-1", name="Last driver", stock_quantity=Decimal(6), allow_backorder=False)
    base = live_server.url

    log_in(page, base, user.email, PASSWORD, dealer.code)
    page.goto(base + "/orders/cart/quick/")
    page.fill("#id_lines", "FEW-1 5")
    page.click("#quick-order-form button[type=submit]")
    page.wait_for_url("**/orders/cart/")
    assert page.locator("#to-checkout").is_visible()

    Product.objects.filter(pk=few.pk).update(stock_quantity=Decimal(3))  # another order took stock meanwhile
    page.reload()
    line = page.locator("tr[data-sku='FEW-1']")
    assert line.locator(".line-problem").inner_text() == "Only 3 pieces can be delivered."
    assert page.locator("#cart-not-orderable").is_visible() and page.locator("#to-checkout").count() == 0

    quantity = line.locator("input.qty")
    quantity.fill("3")
    quantity.press("Tab")
    page.locator("#to-checkout").wait_for()
    assert page.locator("tr[data-sku='FEW-1'] .line-problem").count() == 0
