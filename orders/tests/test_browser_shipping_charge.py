"""Checkout in a real Chromium with the shipping stage's methods: every method with its charge and why, one the goods
cannot take disabled with the reason before any click, the charge as its own line of the review, and the order
placed with the charge the dealer saw."""
from decimal import Decimal

import pytest

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from orders.models import Order
from orders.testing import paste_into_cart, priced, with_addresses
from portal.testing import log_in
from pricing.testing import PriceListFactory
from shipping.models import RateKind
from shipping.testing import method_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal


def test_the_dealer_chooses_a_priced_method_and_the_order_carries_its_charge(live_server, page):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="owner@ship.example.com", language="en")
    priced(PriceListFactory(kind="market"), "100.00", sku="GAS-1", name="Gas cartridge", stock_quantity=50,
           hazardous=True)
    method_with({"kind": RateKind.FLAT, "price": "120.00"}, code="road", name_en="Road", vat_rate=D("20.00"),
                free_above_net=D("1000.00"), carries_hazardous=True, ordering=1)
    method_with({"kind": RateKind.FLAT, "price": "60.00"}, code="parcel", name_en="Parcel", vat_rate=D("20.00"),
                carries_hazardous=False, ordering=2)
    base = live_server.url
    log_in(page, base, owner.email, PASSWORD, dealer.code)
    paste_into_cart(page, base, "GAS-1 2")
    page.click("#to-checkout")
    page.wait_for_url("**/orders/checkout/")

    assert page.is_disabled("#id_shipping_method option[value=parcel]")
    assert "hazardous" in page.inner_text("#shipping-options li[data-method=parcel]")
    page.click("#shipping-options li[data-method=road] summary")  # "Why this charge"
    assert "to go" in page.inner_text("#shipping-options li[data-method=road]")
    page.select_option("#id_shipping_method", "road")
    page.click("#to-review")
    page.wait_for_load_state()
    assert "Shipping: Road" in page.inner_text("#total-shipping")
    assert "384" in page.inner_text("#total-gross")

    page.click("#place-order")
    page.wait_for_url("**/orders/ORD-*/")
    order = Order.objects.get()
    assert (order.shipping_method, order.shipping_net, order.total_gross) == ("road", D("120.00"), D("384.00"))
    assert "Shipping: Road (net)" in page.inner_text("#order-shipping")
