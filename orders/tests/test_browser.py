"""A dealer's quick order in a real Chromium: paste three lines (one unknown SKU) → the error for that line → the
cart → a quantity changed with htmx updates the totals without a full reload."""
from decimal import Decimal

import pytest

from catalog.models import Unit
from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from orders.testing import priced
from portal.testing import log_in
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_paste_a_quick_order_see_the_bad_line_then_change_a_quantity_in_the_cart(live_server, page):
    dealer = DealerFactory()
    user = DealerUserFactory(dealer=dealer, role=Role.BUYER, email="buyer@quick.example.com")
    market = PriceListFactory(kind="market")
    priced(market, "100.00", sku="LED-600", name="LED panel 60x60")
    priced(market, "12.50", sku="CAB-3X25", name="Cable 3x2.5 box", unit=Unit.BOX,
           min_order_quantity=Decimal(10), order_multiple=Decimal(5))
    base = live_server.url

    log_in(page, base, user.email, PASSWORD, dealer.code)
    page.goto(base + "/")
    page.get_by_role("link", name="Quick order").first.click()
    page.wait_for_url("**/orders/cart/quick/")

    page.fill("#id_lines", "led-600 2\nNOPE-404 1\nCAB-3X25;10")
    page.click("#quick-order-form button[type=submit]")
    page.wait_for_load_state()
    problem = page.locator("#problems tr[data-line='2']")
    assert "NOPE-404" in problem.inner_text() and "Unknown SKU: NOPE-404" in problem.inner_text()
    assert page.locator("#problems tbody tr").count() == 1
    assert "2 lines added to your cart." in page.inner_text("#quick-result")
    assert page.input_value("#id_lines").strip() == "NOPE-404 1"
    assert page.inner_text("#nav-cart .cart-count") == "2"

    page.click("#quick-result a:has-text('Open the cart')")
    page.wait_for_url("**/orders/cart/")
    assert page.inner_text("#total-net") == "325.00 TRY"
    assert page.inner_text("#total-gross") == "390.00 TRY"

    # htmx: the change is sent when the field is left; the page itself is not reloaded.
    page.evaluate("window.__notReloaded = true")
    quantity = page.locator("tr[data-sku='LED-600'] input.qty")
    quantity.fill("5")
    quantity.press("Tab")
    page.locator("#total-net", has_text="625.00 TRY").wait_for()
    assert page.inner_text("#total-gross") == "750.00 TRY"
    assert page.inner_text("tr[data-sku='LED-600'] .line-net") == "500.00 TRY"
    assert page.evaluate("window.__notReloaded") is True

    # A refused quantity shows its reason beside the line and leaves the totals as they were.
    quantity = page.locator("tr[data-sku='CAB-3X25'] input.qty")
    quantity.fill("12")
    quantity.press("Tab")
    page.locator("tr[data-sku='CAB-3X25'] [role=alert]", has_text="10 or 15, not 12").wait_for()
    assert page.inner_text("#total-net") == "625.00 TRY"
    assert page.evaluate("window.__notReloaded") is True
