"""The catalog as an order pad in a real Chromium: switch to the dense list, 50 rows with SKU, price and
availability, quantities typed with the keyboard (Tab to the next row, Enter adds every filled line), a refused line
reported by its SKU while the others go into the cart, its quantity kept to correct; the view stays chosen."""
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Unit
from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from orders.models import CartLine
from orders.testing import actor_of, priced
from portal.testing import log_in
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _catalog():
    market = PriceListFactory(kind="market")
    products = [priced(market, f"{10 + i}.00", sku=f"PN-{i:03d}", name=f"Panel {i:03d}", stock_quantity=500)
                for i in range(60)]
    # Sorted by name, the box-sold cable is the fourth row: at least 10 boxes.
    priced(market, "12.50", sku="PN-002B", name="Panel 002 cable box", unit=Unit.BOX, stock_quantity=500,
           min_order_quantity=Decimal(10), order_multiple=Decimal(5))
    return products


def _cart(owner):
    return {line.product.sku: line.quantity for line in CartLine.objects.of(actor_of(owner)).select_related("product")}


@pytest.fixture
def owner_page(live_server, page):
    dealer = DealerFactory()
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="alici@dense.example.com", language="en")
    _catalog()
    log_in(page, live_server.url, owner.email, PASSWORD, dealer.code)
    page.goto(live_server.url + reverse("catalog:list"))
    page.click(".view-toggle a[data-view=dense]")
    page.wait_for_load_state()
    return owner, page


def test_dense_list_adds_three_lines_typed_with_the_keyboard(live_server, owner_page):
    owner, page = owner_page
    rows = page.locator("#dense-list tbody tr")
    assert rows.count() == 50
    first = rows.first
    assert first.locator("td.sku").inner_text() == "PN-000"
    assert first.locator(".dense-price").inner_text() == "10.00 TRY"
    assert first.locator("[data-availability]").get_attribute("data-availability") == "in_stock"
    assert page.locator("#dense-list thead th").first.evaluate("e => getComputedStyle(e).position") == "sticky"

    page.locator("#dense-list tr[data-sku='PN-000'] input.dense-qty").focus()
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("15")
    assert page.evaluate("document.activeElement.name").startswith("q-")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    assert "3 lines added to your cart." in page.locator(".messages").inner_text()
    assert _cart(owner) == {"PN-000": Decimal(3), "PN-001": Decimal(2), "PN-002B": Decimal(15)}
    # Back on the same dense page, the view remembered on the next visit.
    assert page.locator("#dense-list tbody tr").count() == 50
    page.goto(live_server.url + reverse("catalog:list"))
    assert page.locator(".view-toggle a[data-view=dense]").get_attribute("aria-current") == "true"
    page.goto(live_server.url + reverse("orders:cart"))
    assert page.locator("#cart-lines tbody tr").count() == 3


def test_a_line_below_its_minimum_is_reported_by_sku_and_the_others_are_added(owner_page):
    owner, page = owner_page
    page.fill("#dense-list tr[data-sku='PN-000'] input.dense-qty", "1")
    page.fill("#dense-list tr[data-sku='PN-002B'] input.dense-qty", "5")
    page.fill("#dense-list tr[data-sku='PN-003'] input.dense-qty", "4")
    page.click("#dense-add-all")
    page.wait_for_load_state()
    said = page.locator(".messages").inner_text()
    assert "2 lines added to your cart." in said
    assert "PN-002B not added:" in said and "10" in said
    assert _cart(owner) == {"PN-000": Decimal(1), "PN-003": Decimal(4)}
    # The refused row keeps what was typed, marked, ready to correct; the added ones are empty again.
    refused = page.locator("#dense-list tr[data-sku='PN-002B'] input.dense-qty")
    assert refused.input_value() == "5" and refused.get_attribute("aria-invalid") == "true"
    assert page.locator("#dense-list tr[data-sku='PN-000'] input.dense-qty").input_value() == ""
    refused.fill("10")
    refused.press("Enter")
    page.wait_for_load_state()
    assert "1 line added to your cart." in page.locator(".messages").inner_text()
    assert _cart(owner) == {"PN-000": Decimal(1), "PN-003": Decimal(4), "PN-002B": Decimal(10)}


def test_100_rows_a_page_when_chosen(owner_page):
    owner, page = owner_page
    page.click(".per-page a[data-per-page='100']")
    page.wait_for_load_state()
    assert page.locator("#dense-list tbody tr").count() == 61
