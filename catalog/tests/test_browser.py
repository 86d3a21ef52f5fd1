"""A dealer's journey in a real Chromium: search → filter by a facet → product page with its price information
→ the quantity checked against the minimum and multiples (htmx)."""
from decimal import Decimal

import pytest

from catalog.models import Unit
from catalog.testing import AttributeFactory, CategoryFactory, ProductAttributeFactory, ProductFactory
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from portal.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_filter_open_product_and_check_quantity(live_server, page, fake_prices):
    dealer = DealerFactory()
    user = DealerUserFactory(dealer=dealer, email="buyer@dealer.example.com")
    category = CategoryFactory(name="LED Paneller", slug="led-paneller")
    colour = AttributeFactory(code="colour", name="Colour")
    white = ProductFactory(sku="LD-6060-W", name="IŞIK LED Panel 60x60 Beyaz", category=category, unit=Unit.BOX,
                           min_order_quantity=Decimal(10), order_multiple=Decimal(5))
    black = ProductFactory(sku="LD-6060-S", name="IŞIK LED Panel 60x60 Siyah", category=category)
    ProductFactory(sku="KB-1", name="NYM Kablo", category=category)
    ProductAttributeFactory(product=white, attribute=colour, value_text="White")
    ProductAttributeFactory(product=black, attribute=colour, value_text="Black")
    fake_prices.set(white, "120.00", market_price="150.00", campaign="Spring sale")
    fake_prices.set(black, "125.00")
    base = live_server.url

    log_in(page, base, user.email, PASSWORD, dealer.code)
    page.goto(base + "/")
    page.get_by_role("link", name="Catalog").first.click()
    page.wait_for_url("**/catalog/")

    # Search with Turkish letters in another case.
    page.fill("#catalog-q", "ışık panel")
    page.click("form.search button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#result-count") == "2 products"

    # Filter by a facet value: the query stays in the URL.
    page.click("fieldset[data-attribute=colour] a:has-text('White')")
    page.wait_for_load_state()
    assert page.inner_text("#result-count") == "1 product"
    assert "q=" in page.url and "attr_colour=White" in page.url
    assert "120.00 TRY" in page.inner_text("#products")

    # The product page shows the price information area.
    page.click("#products .product-name a")
    page.wait_for_url("**/catalog/p/LD-6060-W/")
    price_box = page.locator("#price-info")
    assert "120.00 TRY" in price_box.inner_text() and "150.00 TRY" in price_box.inner_text()
    assert "Spring sale" in price_box.inner_text()
    page.click("summary:has-text('Why this price?')")
    assert page.locator("details.why-price li").first.is_visible()

    # The quantity is checked by the server as it is typed / submitted.
    page.fill("#id_quantity", "12")
    page.click(".quantity-form button[type=submit]")
    page.locator("#quantity-check", has_text="Order in multiples of 5 boxes: 10 or 15, not 12.").wait_for()
    page.fill("#id_quantity", "15")
    page.click(".quantity-form button[type=submit]")
    page.locator("#quantity-check", has_text="1,800.00 TRY").wait_for()
