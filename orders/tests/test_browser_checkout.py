"""Checkout and in-company approval in a real Chromium: a buyer over its order limit orders by quick order,
reviews and places; the order waits; an approver finds it, approves it, and the buyer's order is placed."""
from decimal import Decimal

import pytest

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from orders.models import Order, OrderStatus
from orders.testing import paste_into_cart, priced, with_addresses
from portal.testing import log_in, log_out
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buyer_over_its_limit_checks_out_and_an_approver_approves(live_server, page):
    dealer = DealerFactory()
    with_addresses(dealer)
    buyer = DealerUserFactory(dealer=dealer, role=Role.BUYER, order_limit=Decimal("1000.00"),
                              email="buyer@approve.example.com")
    approver = DealerUserFactory(dealer=dealer, role=Role.APPROVER, email="approver@approve.example.com")
    product = priced(PriceListFactory(kind="market"), "100.00", sku="LED-600", name="LED panel 60x60",
                     stock_quantity=50)
    base = live_server.url

    log_in(page, base, buyer.email, PASSWORD, dealer.code)
    paste_into_cart(page, base, "LED-600 10")
    page.click("#to-checkout")
    page.wait_for_url("**/orders/checkout/")
    page.fill("#id_po_number", "PO-2026-7")
    page.click("#to-review")
    page.wait_for_load_state()
    assert "Ankara depot" in page.inner_text("#review-shipping")
    assert "1,200.00" in page.inner_text("#total-gross")
    page.click("#place-order")
    page.wait_for_url("**/orders/ORD-*/")
    assert page.inner_text("#order-status") == "Waiting for approval"
    order = Order.objects.get()
    assert order.status == OrderStatus.PENDING_APPROVAL and order.po_number == "PO-2026-7"
    assert product.__class__.objects.get(pk=product.pk).stock_quantity == 50  # nothing taken before approval
    log_out(page)

    log_in(page, base, approver.email, PASSWORD, dealer.code)
    page.goto(base + "/orders/")
    page.get_by_role("link", name="Waiting for my approval").click()
    page.wait_for_load_state()
    page.get_by_role("link", name=order.number).click()
    page.wait_for_url(f"**/orders/{order.number}/")
    page.fill("#approve-note", "Fine for the Ankara project")
    page.click("#approve-form button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#order-status") == "Placed"
    assert "Fine for the Ankara project" in page.inner_text("#order-history")
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and order.decided_by == approver
    assert product.__class__.objects.get(pk=product.pk).stock_quantity == 40
