"""The shipping charge at checkout (issue 14, section 1): orders asks its shipping points (orders/hooks.py), the
shipping stage answers with its methods priced by quote_shipping; the chosen charge is fixed on the order."""
from decimal import Decimal

import pytest

from orders import hooks
from orders.errors import InvalidCheckout, ShippingChargeChanged
from orders.models import Order
from orders.services import changes, ordering
from shipping.errors import HazardousNotCarried
from shipping.models import RateKind
from shipping.testing import method_with

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def road(dealer):
    """120.00 net flat at 20 % VAT, free from 1,000.00 net goods value."""
    return method_with({"kind": RateKind.FLAT, "price": "120.00"}, code="road", name_en="Road",
                       vat_rate=D("20.00"), free_above_net=D("1000.00"))


def place(actor, lines, **values):
    return ordering.place_order(actor=actor, lines=lines, checkout=ordering.Checkout(**values))


def test_the_order_carries_the_methods_charge_and_its_totals_include_it(actor, addresses, panel, road):
    order = place(actor, [(panel, 2)], shipping_method="road")
    order.refresh_from_db()
    assert (order.shipping_method, order.shipping_label) == ("road", "Road")
    assert (order.shipping_net, order.shipping_vat_rate, order.shipping_vat) == (D("120.00"), D("20.00"), D("24.00"))
    goods = sum(line.line_net for line in order.lines.all())
    assert goods == D("200.00")  # the lines stay the goods
    assert order.total_net == D("320.00") and order.total_vat == D("40.00") + D("24.00")
    assert order.total_gross == D("384.00") and order.goods_net == D("200.00")


def test_free_above_the_net_threshold(actor, addresses, panel, road):
    order = place(actor, [(panel, 10)], shipping_method="road")  # 1,000.00 net: free
    assert order.shipping_net == order.shipping_vat == D("0.00")
    assert order.total_net == D("1000.00")
    cheaper = place(actor, [(panel, 9)], shipping_method="road")
    assert cheaper.shipping_net == D("120.00")


def test_the_charge_is_fixed_when_placed(actor, addresses, panel, road):
    order = place(actor, [(panel, 2)], shipping_method="road")
    road.rules.update(price=D("999.00"))
    road.vat_rate = D("10.00")
    road.save()
    order.refresh_from_db()
    assert order.shipping_net == D("120.00") and order.total_gross == D("384.00")
    # A change of quantities keeps the charge fixed at placement.
    line = order.lines.get()
    changes.change_order_quantities(actor=actor, order=order, quantities={str(line.pk): "3"})
    order.refresh_from_db()
    assert order.shipping_net == D("120.00") and order.total_net == D("420.00")
    assert order.total_gross == D("300.00") + D("60.00") + D("144.00")


def test_a_charge_other_than_the_one_seen_is_refused(actor, addresses, panel, road):
    with pytest.raises(ShippingChargeChanged) as refused:
        place(actor, [(panel, 2)], shipping_method="road", shipping_charge_seen=D("100.00"))
    assert refused.value.conflict and refused.value.field == "shipping_method"
    assert "144" in str(refused.value.message)
    assert not Order.objects.exists()
    assert place(actor, [(panel, 2)], shipping_method="road", shipping_charge_seen=D("144.00")).shipping_net


def test_an_unavailable_method_is_refused_with_its_reason(actor, addresses, panel, road):
    panel.hazardous = True
    panel.save()
    options = {o.code: o for o in ordering.shipping_options(actor, address=addresses[0],
                                                             lines=[(panel, D(1), D("100.00"))])}
    assert "hazardous" in options["road"].unavailable and options["road"].charge_net == 0
    with pytest.raises(HazardousNotCarried, match="hazardous"):
        place(actor, [(panel, 1)], shipping_method="road")
    with pytest.raises(InvalidCheckout):
        place(actor, [(panel, 1)], shipping_method="standard")  # not a method of this portal
    assert not Order.objects.exists()


def test_options_carry_the_charge_and_why(actor, addresses, panel, road):
    [option] = ordering.shipping_options(actor, address=addresses[0], lines=[(panel, D(2), D("200.00"))])
    assert (option.code, option.charge_net, option.charge_vat, option.charge_gross) == (
        "road", D("120.00"), D("24.00"), D("144.00"))
    assert any("to go" in reason for reason in option.reasons)


def test_with_nothing_registered_orders_ship_free_with_the_fixed_methods(actor, addresses, panel, road):
    with hooks.shipping_options.unregistered(), hooks.shipping_charge.unregistered():
        order = place(actor, [(panel, 2)], shipping_method="express")
        assert [o.code for o in ordering.shipping_options(actor, address=addresses[0], lines=[])] == [
            "standard", "express", "freight"]
        with pytest.raises(InvalidCheckout):
            place(actor, [(panel, 2)], shipping_method="road")
    assert order.shipping_method == "express" and order.shipping_net == 0 and order.total_gross == D("240.00")
    assert order.shipping_method_name() == "Express"


def test_without_any_method_set_up_the_fixed_methods_ship_free(actor, addresses, panel):
    order = place(actor, [(panel, 1)], shipping_method="freight")
    assert order.shipping_net == 0 and order.shipping_label == "Freight"


# --- pages, admin and API ---------------------------------------------------------------------------------------

@pytest.fixture
def no_hazard(dealer):
    """A method that does not carry hazardous goods, next to `road` that does (set in the test)."""
    return method_with({"kind": RateKind.FLAT, "price": "60.00"}, code="parcel", name_en="Parcel",
                       vat_rate=D("20.00"), carries_hazardous=False)


def review(client, addresses, method):
    from django.urls import reverse

    return client.post(reverse("orders:checkout"), {
        "step": "review", "token": "t-1", "shipping_address": addresses[0].pk, "billing_address": addresses[1].pk,
        "shipping_method": method, "payment_method": "on_account"})


def test_checkout_review_shows_each_method_its_charge_and_the_shipping_line(signed_in, actor, addresses, panel,
                                                                           road, no_hazard):
    from orders.services import add_to_cart

    road.carries_hazardous = True
    road.save()
    panel.hazardous = True
    panel.save()
    add_to_cart(actor=actor, product=panel, quantity=2)
    form = signed_in.get("/orders/checkout/").content.decode()
    assert 'data-method="road"' in form and "Why this charge" in form
    assert "Not available:" in form and "hazardous" in form  # parcel: disabled with its reason, before any click
    refused = review(signed_in, addresses, "parcel").content.decode()
    assert "Review your order" not in refused and "hazardous" in refused
    html = review(signed_in, addresses, "road").content.decode()
    assert 'id="total-shipping"' in html and "Shipping: Road" in html
    assert 'id="total-gross"' in html and "384" in html  # 240.00 goods + 144.00 shipping
    assert 'name="shipping_charge_seen" value="144.00"' in html


def test_placing_from_the_review_fixes_the_charge_seen_or_refuses_a_changed_one(signed_in, actor, addresses, panel,
                                                                                road):
    from orders.services import add_to_cart

    add_to_cart(actor=actor, product=panel, quantity=2)
    body = {"step": "place", "token": "t-2", "shipping_address": addresses[0].pk, "billing_address": addresses[1].pk,
            "shipping_method": "road", "payment_method": "on_account", "shipping_charge_seen": "100.00"}
    refused = signed_in.post("/orders/checkout/", body).content.decode()
    assert not Order.objects.exists() and "now costs" in refused
    placed = signed_in.post("/orders/checkout/", {**body, "token": "t-3", "shipping_charge_seen": "144.00"})
    order = Order.objects.get()
    assert placed.status_code == 302 and order.total_gross == D("384.00")
    page = signed_in.get(order.get_absolute_url()).content.decode()
    assert 'id="order-shipping"' in page and "Shipping: Road (net)" in page
    assert '<dd id="order-shipping-method">Road</dd>' in page


def test_the_admin_order_page_shows_the_shipping_charge(client, staff, actor, addresses, panel, road):
    order = place(actor, [(panel, 2)], shipping_method="road")
    client.force_login(staff)
    html = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "shipping charge (net)" in html.lower() and "120.00" in html and "Road" in html


def test_the_api_places_with_a_method_and_answers_the_charge(signed_in, addresses, panel, road):
    from django.urls import reverse

    body = {"lines": [{"sku": "LED-600", "quantity": "2"}], "shipping_method": "road"}
    answer = signed_in.post(reverse("api:me-orders"), body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert (data["shipping_method"], data["shipping_label"], data["shipping_net"], data["shipping_vat_rate"],
            data["shipping_vat"], data["total_gross"]) == ("road", "Road", "120.00", "20.00", "24.00", "384.00")
    changed = signed_in.post(reverse("api:me-orders"), {**body, "shipping_charge_seen": "1.00"},
                             content_type="application/json")
    assert changed.status_code == 409 and changed.json()["code"] == "orders.shipping_charge_changed"
    unknown = signed_in.post(reverse("api:me-orders"), {**body, "shipping_method": "teleport"},
                             content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "orders.invalid_checkout"
    assert Order.objects.count() == 1


def test_the_checkout_summary_has_the_chosen_methods_charge_as_its_own_line(signed_in, actor, addresses, panel,
                                                                            road):
    from orders.services import add_to_cart

    add_to_cart(actor=actor, product=panel, quantity=2)
    html = signed_in.get("/orders/checkout/").content.decode()
    assert 'id="total-shipping"' in html and "Shipping: Road" in html and "384" in html


def test_the_cart_summary_has_the_shipping_charge_as_its_own_line(signed_in, actor, addresses, panel, road):
    from orders.services import add_to_cart

    add_to_cart(actor=actor, product=panel, quantity=2)
    html = signed_in.get("/orders/cart/").content.decode()
    assert 'id="total-shipping"' in html and "Shipping: Road" in html and 'id="shipping-estimate"' in html
    assert "384" in html
