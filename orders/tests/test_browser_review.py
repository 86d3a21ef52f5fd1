"""The checkout review in a real Chromium shows what the order will carry, in the buyer's words: the chosen billing
address in full (never "None"), the shipping method's name (never the code "standard"), the payment method with its
installment plan, a one-off delivery address and the requested delivery date in the language's date format."""
import datetime
from decimal import Decimal

import pytest
from django.utils import formats, timezone, translation

from dealers.models import Address, Role
from dealers.testing import PASSWORD, AddressFactory, DealerFactory, DealerUserFactory
from orders.models import Order
from orders.testing import paste_into_cart, priced, with_addresses
from portal.testing import log_in
from pricing.models import PaymentAdjustment
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAW_CODES = ("None", "standard", "express", "freight", "on_account", "wire")


def _to_checkout(page, base, owner, dealer):
    priced(PriceListFactory(kind="market"), "100.00", sku="LED-600", name="LED panel 60x60", stock_quantity=50)
    log_in(page, base, owner.email, PASSWORD, dealer.code)
    paste_into_cart(page, base, "LED-600 2")
    page.click("#to-checkout")
    page.wait_for_url("**/orders/checkout/")


def _review_text(page) -> str:
    return page.inner_text("section.review dl.facts")


def test_review_shows_the_chosen_billing_address_method_names_plan_and_date_in_english(live_server, page):
    dealer = with_addresses(DealerFactory())
    branch = AddressFactory(dealer=dealer, kind=Address.Kind.BILLING, label="İzmir branch accounts",
                            line1="Kordon Cad. No: 41", postal_code="35210", city="İzmir", contact_name="Elif Demir")
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="owner@review.example.com", language="en")
    PaymentAdjustment.objects.create(method="on_account", installments=3, percent=Decimal("2"))
    wanted = timezone.localdate() + datetime.timedelta(days=12)
    _to_checkout(page, live_server.url, owner, dealer)

    page.select_option("#id_billing_address", str(branch.pk))
    page.select_option("#id_shipping_method", "express")
    page.select_option("#id_payment_method", "on_account:3")
    page.fill("#id_requested_delivery_date", wanted.isoformat())
    page.click("#to-review")
    page.wait_for_load_state()

    billing = page.inner_text("#review-billing")
    for part in ("İzmir branch accounts", "Elif Demir", "Kordon Cad. No: 41", "35210", "İzmir"):
        assert part in billing, billing
    assert "Ankara depot" in page.inner_text("#review-shipping")
    assert page.inner_text("#review-shipping-method") == "Express"
    assert "3 monthly installments" in page.inner_text("#review-payment")
    with translation.override("en"):
        assert page.inner_text("#review-delivery-date") == formats.date_format(wanted, "SHORT_DATE_FORMAT")
    shown = _review_text(page)
    for code in RAW_CODES:
        assert code not in shown, (code, shown)

    page.click("#place-order")
    page.wait_for_url("**/orders/ORD-*/")
    order = Order.objects.get()
    assert "Kordon Cad. No: 41" in order.billing_address and order.shipping_method == "express"
    assert order.installments == 3


def test_review_in_turkish_with_a_one_off_delivery_address(live_server, page):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="sahip@review.example.com", language="tr")
    _to_checkout(page, live_server.url, owner, dealer)

    page.select_option("#id_shipping_address", "new")
    page.fill("#id_new_contact_name", "Şantiye şefi Oğuz")
    page.fill("#id_new_line1", "Çamlıca Şantiyesi, Blok C")
    page.fill("#id_new_city", "Üsküdar")
    page.click("#to-review")
    page.wait_for_load_state()

    shipping = page.inner_text("#review-shipping")
    assert "Çamlıca Şantiyesi, Blok C" in shipping and "Üsküdar" in shipping and "Şantiye şefi Oğuz" in shipping
    billing = page.inner_text("#review-billing")
    assert "Head office" in billing and "Organize Sanayi 3. Cad. No: 7" in billing and "Ankara" in billing
    assert page.inner_text("#review-shipping-method") == "Standart"
    assert page.inner_text("#review-payment").strip() != ""
    shown = _review_text(page)
    for code in RAW_CODES:
        assert code not in shown, (code, shown)
