"""In a real Chromium: a product that can never be ordered (5 m left, 10 m minimum, no backorder) says "Not available"
on its card and its page before any click, with the reason and no add button to press; the price box says what the
saving is for and its breaks start at the minimum order."""
from decimal import Decimal

import pytest

from catalog.models import Unit
from catalog.testing import CategoryFactory, ProductFactory
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from portal.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_not_available_is_said_on_the_card_and_the_product_page(live_server, page, fake_prices):
    dealer = DealerFactory()
    user = DealerUserFactory(dealer=dealer, email="buyer@stock.example.com")
    category = CategoryFactory(name="Kablolar", slug="kablolar")
    short = ProductFactory(sku="DK-0233-133", name="NYM cable 3x2.5", category=category, unit=Unit.METRE,
                           stock_quantity=Decimal(5), min_order_quantity=Decimal(10), lead_time_days=7,
                           allow_backorder=False)
    plenty = ProductFactory(sku="DK-0233-134", name="NYM cable 3x4", category=category, unit=Unit.METRE,
                            stock_quantity=Decimal(800), min_order_quantity=Decimal(10))
    fake_prices.set(short, "67.00")
    fake_prices.set(plenty, "85.00")
    base = live_server.url

    log_in(page, base, user.email, PASSWORD, dealer.code)
    page.goto(base + "/catalog/c/kablolar/")
    card = page.locator(".product-card[data-sku='DK-0233-133']")
    assert card.locator(".badge.stock").inner_text() == "Not available"
    assert "Ships in" not in card.inner_text()
    assert card.locator("button:has-text('Add to cart')").is_disabled()
    other = page.locator(".product-card[data-sku='DK-0233-134']")
    assert other.locator(".badge.stock").inner_text() == "800 metres in stock"
    assert other.locator("button:has-text('Add to cart')").is_enabled()

    card.locator(".product-name a").click()
    page.wait_for_url("**/catalog/p/DK-0233-133/")
    status = page.inner_text("#stock-status")
    assert "Not available" in status and "Only 5 metres left, less than the minimum order of 10 metres." in status
    assert page.locator("#add-to-cart button").is_disabled()


def test_price_box_says_the_saving_per_metre_and_on_the_minimum_and_breaks_start_there(live_server, page,
                                                                                        fake_prices):
    dealer = DealerFactory()
    user = DealerUserFactory(dealer=dealer, email="buyer@prices.example.com")
    category = CategoryFactory(name="Kablolar", slug="kablolar")
    cable = ProductFactory(sku="DK-0233-200", name="NYM cable 5x6", category=category, unit=Unit.METRE,
                           stock_quantity=Decimal(900), min_order_quantity=Decimal(10))
    fake_prices.set(cable, "67.00", market_price="737.06")  # breaks: from 1 at 67.00, from 100 at 60.30
    base = live_server.url

    log_in(page, base, user.email, PASSWORD, dealer.code)
    page.goto(base + "/catalog/p/DK-0233-200/")
    box = page.locator("#price-info")
    assert "you save 670.06 TRY per metre (6,700.60 TRY on 10 metres)" in box.locator(".saving").inner_text()
    rows = box.locator("table.breaks tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(0).inner_text() == "10 metres"
    assert rows.nth(0).locator("td").nth(1).inner_text() == "67.00 TRY"
    assert rows.nth(1).locator("td").nth(0).inner_text() == "100 metres"
