"""Cargo insurance at checkout in a real Chromium (issue 14, section 1): the dealer sees the premium and what the
insurance covers beside the method before choosing, ticks the box, reviews the premium apart and places an insured
order; the review and the shipping methods page keep to a 390 px phone screen."""
from decimal import Decimal

import pytest

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from orders.models import Order
from orders.testing import paste_into_cart, priced, with_addresses
from portal.testing import log_in
from pricing.testing import PriceListFactory
from shipping.models import RateKind
from shipping.testing import CarrierFactory, method_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_the_dealer_insures_the_goods_at_checkout(live_server, page):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="owner@insure.example.com", language="en")
    priced(PriceListFactory(kind="market"), "1000.00", sku="LAMP-1K", name="Floor lamp", stock_quantity=50)
    method_with({"kind": RateKind.FLAT, "price": "120.00"}, code="road", name_en="Road", vat_rate=D("20.00"),
                insurance_rate_percent=D("0.50"), insurance_minimum=D("50.00"), ordering=1,
                carrier=CarrierFactory(name="Yurtiçi Kargo"),
                insurance_cover_en="Loss and damage in transit, up to the goods' net value.")
    method_with({"kind": RateKind.FLAT, "price": "60.00"}, code="parcel", name_en="Parcel", vat_rate=D("20.00"),
                ordering=2)
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, owner.email, PASSWORD, dealer.code)
    paste_into_cart(page, base, "LAMP-1K 12")
    page.click("#to-checkout")
    page.wait_for_url("**/orders/checkout/")

    offer = page.inner_text("#shipping-options li[data-method=road] .insurance-offer")
    assert "60.00 TRY" in offer  # 0.5 % of 12,000.00 net
    assert "at least 50.00 TRY" in offer and "Loss and damage in transit" in offer
    assert "No cargo insurance" in page.inner_text("#shipping-options li[data-method=parcel]")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.select_option("#id_shipping_method", "road")
    page.check("#id_insured")
    page.click("#to-review")
    page.wait_for_load_state()
    assert "60.00" in page.inner_text("#review-insurance")
    assert "60.00" in page.inner_text("#total-insurance")
    assert "Shipping: Road" in page.inner_text("#total-shipping")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.click("#place-order")
    page.wait_for_url("**/orders/ORD-*/")
    order = Order.objects.get()
    assert order.shipping_insured and order.shipping_insurance_net == D("60.00")
    assert order.shipping_net == D("180.00") and order.total_gross == D("12000.00") * D("1.2") + D("216.00")
    assert "60.00" in page.inner_text("#order-insurance")

    page.goto(base + "/shipping/methods/")
    assert "Yurtiçi Kargo" in page.inner_text("#method-road")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
