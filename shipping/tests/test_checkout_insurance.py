"""Cargo insurance at checkout (issue 14, section 1): a method offering insurance shows its premium (a rate on the
insured net goods value, at least its minimum) and what it covers before the dealer chooses; the charge includes the
premium, the review and the order show it apart, the order keeps it (shipping_insured, shipping_insurance_net), the
charge-seen check covers it, and the invoice's shipping line says "(insured)". A method without insurance refuses it."""
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.errors import ShippingChargeChanged
from orders.models import Order
from orders.services import add_to_cart, ordering
from orders.testing import priced
from payments.services import invoices
from shipping.errors import InsuranceNotOffered
from shipping.models import RateKind
from shipping.testing import method_with

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def lamp(market):
    """A 1,000.00 net lamp with stock for large orders."""
    return priced(market, "1000.00", sku="LAMP-1K", name="Floor lamp", stock_quantity=1000)


@pytest.fixture
def insured_road(dealer):
    """120.00 net flat at 20 % VAT; insurance 0.5 % of the goods' net value, at least 50.00."""
    return method_with({"kind": RateKind.FLAT, "price": "120.00"}, code="road", name_en="Road", name_tr="Karayolu",
                       vat_rate=D("20.00"), insurance_rate_percent=D("0.50"), insurance_minimum=D("50.00"),
                       insurance_cover_en="Loss and damage in transit, up to the goods' net value.",
                       insurance_cover_tr="Taşımada kayıp ve hasar, malların net değerine kadar.")


@pytest.fixture
def plain(dealer):
    """60.00 net flat, no insurance offered."""
    return method_with({"kind": RateKind.FLAT, "price": "60.00"}, code="plain", name_en="Plain parcel",
                       vat_rate=D("20.00"))


def place(actor, lines, **values):
    return ordering.place_order(actor=actor, lines=lines, checkout=ordering.Checkout(**values))


@pytest.mark.parametrize("quantity, premium", [
    (1, D("50.00")),    # 1,000.00 net: 0.5 % is 5.00, below the minimum: the minimum
    (9, D("50.00")),    # 9,000.00 net: 45.00, still the minimum
    (10, D("50.00")),   # 10,000.00 net: 50.00 exactly, the rate and the minimum meet
    (11, D("55.00")),   # 11,000.00 net: the rate
    (40, D("200.00")),  # 40,000.00 net
])
def test_the_premium_is_the_rate_on_the_net_goods_value_at_least_the_minimum(actor, addresses, lamp, insured_road,
                                                                             quantity, premium):
    order = place(actor, [(lamp, quantity)], shipping_method="road", insured=True)
    order.refresh_from_db()
    assert order.shipping_insured and order.shipping_insurance_net == premium
    assert order.shipping_net == D("120.00") + premium  # the premium is part of the shipping charge
    assert order.shipping_vat == ((D("120.00") + premium) * D("0.20")).quantize(D("0.01"))
    assert order.total_net == D("1000.00") * quantity + order.shipping_net
    assert order.total_gross == order.total_net + order.total_vat


def test_without_the_box_ticked_there_is_no_premium(actor, addresses, lamp, insured_road):
    order = place(actor, [(lamp, 1)], shipping_method="road")
    assert not order.shipping_insured and order.shipping_insurance_net == 0 and order.shipping_net == D("120.00")


def test_a_method_without_insurance_refuses_it_with_its_error(actor, addresses, lamp, insured_road, plain):
    with pytest.raises(InsuranceNotOffered) as refused:
        place(actor, [(lamp, 1)], shipping_method="plain", insured=True)
    assert refused.value.code == "shipping.insurance_not_offered" and refused.value.field == "insured"
    assert "Plain parcel offers no cargo insurance" in str(refused.value.message)
    assert not Order.objects.exists()


def test_the_charge_seen_covers_the_premium(actor, addresses, lamp, insured_road):
    with pytest.raises(ShippingChargeChanged):  # the charge seen without insurance: 144.00
        place(actor, [(lamp, 1)], shipping_method="road", insured=True, shipping_charge_seen=D("144.00"))
    order = place(actor, [(lamp, 1)], shipping_method="road", insured=True, shipping_charge_seen=D("204.00"))
    assert order.shipping_net + order.shipping_vat == D("204.00")  # (120.00 + 50.00) × 1.2


def test_options_say_the_premium_and_cover_before_choosing(actor, addresses, lamp, insured_road, plain):
    options = {o.code: o for o in ordering.shipping_options(actor, address=addresses[0],
                                                             lines=[(lamp, D(20), D("20000.00"))])}
    road = options["road"]
    assert road.insurance_premium == D("100.00") and not road.insured and road.charge_net == D("120.00")
    assert "0.5 %" in road.insurance_terms and "50.00" in road.insurance_terms
    assert road.insurance_cover.startswith("Loss and damage")
    assert options["plain"].insurance_premium is None
    insured = {o.code: o for o in ordering.shipping_options(actor, address=addresses[0], insured=True,
                                                             lines=[(lamp, D(20), D("20000.00"))])}
    assert insured["road"].insured and insured["road"].charge_net == D("220.00")
    assert not insured["plain"].insured and insured["plain"].charge_net == D("60.00")


def test_the_invoice_says_insured_and_adds_up(actor, addresses, lamp, insured_road, staff):
    order = place(actor, [(lamp, 1)], shipping_method="road", insured=True)
    invoice = invoices.issue_invoice(order=order, actor=staff)
    lines = list(invoice.lines.all())
    shipping = lines[-1]
    assert shipping.sku == invoices.SHIPPING_SKU and shipping.name == "Shipping: Road (insured)"
    assert shipping.line_net == D("170.00") and shipping.line_vat == D("34.00")
    assert sum(line.line_net + line.line_vat for line in lines) == invoice.total_gross == order.total_gross


# --- the pages and the API ----------------------------------------------------------------------------------------

def form(addresses, method, **extra):
    return {"token": "t-1", "shipping_address": addresses[0].pk, "billing_address": addresses[1].pk,
            "shipping_method": method, "payment_method": "on_account", **extra}


def test_checkout_shows_the_box_the_premium_and_the_cover_before_choosing(signed_in, actor, addresses, lamp,
                                                                          insured_road, plain):
    add_to_cart(actor=actor, product=lamp, quantity=1)
    html = signed_in.get(reverse("orders:checkout")).content.decode()
    assert 'name="insured"' in html and "Insure the goods (cargo insurance)" in html
    assert 'data-insurance="road"' in html and "Cargo insurance available:" in html and "50.00" in html
    assert "What it covers: Loss and damage in transit" in html
    assert "No cargo insurance with this method." in html  # beside "Plain parcel"
    assert 'href="/shipping/methods/"' in html


def test_the_review_shows_the_premium_apart_and_placing_keeps_it(signed_in, actor, addresses, lamp, insured_road):
    add_to_cart(actor=actor, product=lamp, quantity=1)
    html = signed_in.post(reverse("orders:checkout"), {**form(addresses, "road", insured="on"),
                                                       "step": "review"}).content.decode()
    assert "Review your order" in html and 'id="review-insurance"' in html
    assert 'id="total-insurance"' in html and "incl. cargo insurance (net)" in html
    assert 'name="shipping_charge_seen" value="204.00"' in html and 'name="insured" value="True"' in html
    placed = signed_in.post(reverse("orders:checkout"), {**form(addresses, "road", insured="True"), "step": "place",
                                                         "shipping_charge_seen": "204.00"})
    order = Order.objects.get()
    assert placed.status_code == 302 and order.shipping_insured and order.shipping_insurance_net == D("50.00")
    page = signed_in.get(order.get_absolute_url()).content.decode()
    assert 'id="order-insurance"' in page and 'id="order-insured"' in page


def test_the_review_refuses_insurance_with_a_method_that_has_none(signed_in, actor, addresses, lamp, insured_road,
                                                                  plain):
    add_to_cart(actor=actor, product=lamp, quantity=1)
    html = signed_in.post(reverse("orders:checkout"), {**form(addresses, "plain", insured="on"),
                                                       "step": "review"}).content.decode()
    assert "Review your order" not in html and "Plain parcel offers no cargo insurance." in html


def test_unticking_on_the_review_page_keeps_the_order_uninsured(signed_in, actor, addresses, lamp, insured_road):
    add_to_cart(actor=actor, product=lamp, quantity=1)
    html = signed_in.post(reverse("orders:checkout"), {**form(addresses, "road"), "step": "review"}).content.decode()
    assert 'name="insured" value="False"' in html and 'name="shipping_charge_seen" value="144.00"' in html
    signed_in.post(reverse("orders:checkout"), {**form(addresses, "road", insured="False"), "step": "place",
                                                "shipping_charge_seen": "144.00"})
    assert not Order.objects.get().shipping_insured


@pytest.mark.parametrize("method, insured, status, code", [
    ("road", True, 201, None),
    ("road", False, 201, None),
    ("plain", True, 400, "shipping.insurance_not_offered"),
])
def test_the_api_places_with_insured(signed_in, addresses, lamp, insured_road, plain, method, insured, status, code):
    body = {"lines": [{"sku": "LAMP-1K", "quantity": "1"}], "shipping_method": method, "insured": insured}
    answer = signed_in.post(reverse("api:me-orders"), body, content_type="application/json")
    assert answer.status_code == status, answer.content
    data = answer.json()
    if code:
        assert data["code"] == code and "insured" in (data.get("fields") or {})
        assert not Order.objects.exists()
    else:
        assert data["shipping_insured"] is insured
        assert data["shipping_insurance_net"] == ("50.00" if insured else "0.00")
        assert data["shipping_net"] == ("170.00" if insured else "120.00")
