"""Checkout, the order list and page, and the orders API: what a dealer user sees and does, and what another
dealer never sees."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dealers.models import Role
from dealers.testing import DealerUserFactory, StaffFactory
from orders.models import Order, OrderStatus
from orders.services import changes, ordering
from orders.testing import CartFactory, CartLineFactory, actor_of


@pytest.fixture
def cart(owner, dealer, panel):
    cart = CartFactory(user=owner, dealer=dealer)
    CartLineFactory(cart=cart, product=panel, quantity=2)
    return cart


def _form(addresses, **extra):
    return {"shipping_address": addresses[0].pk, "billing_address": addresses[1].pk, "shipping_method": "standard",
            "payment_method": "on_account", "po_number": "PO-1", "notes": "", "requested_delivery_date": "",
            "token": "tok-1", **extra}


def test_checkout_reviews_then_places_once_however_often_it_is_submitted(signed_in, addresses, cart):
    page = signed_in.get(reverse("orders:checkout"))
    assert page.status_code == 200 and "Ankara depot" in page.content.decode()
    review = signed_in.post(reverse("orders:checkout"), _form(addresses, step="review"))
    html = review.content.decode()
    assert review.status_code == 200 and 'id="place-order"' in html and "240.00" in html
    assert not Order.objects.exists()
    first = signed_in.post(reverse("orders:checkout"), _form(addresses, step="place"))
    again = signed_in.post(reverse("orders:checkout"), _form(addresses, step="place"))
    order = Order.objects.get()
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert first["Location"] == order.get_absolute_url() and order.po_number == "PO-1"


def test_checkout_shows_a_refusal_next_to_the_form(signed_in, addresses, cart, panel):
    panel.stock_quantity = 1
    panel.save()
    response = signed_in.post(reverse("orders:checkout"), _form(addresses, step="place"))
    assert response.status_code == 200 and "Not enough stock" in response.content.decode()
    assert not Order.objects.exists()


def test_an_empty_cart_goes_back_to_the_cart(signed_in, addresses):
    assert signed_in.get(reverse("orders:checkout"))["Location"] == reverse("orders:cart")


def test_a_viewer_cannot_check_out(client, dealer, addresses):
    client.force_login(DealerUserFactory(dealer=dealer, role=Role.VIEWER))
    assert client.get(reverse("orders:checkout")).status_code == 403


def _orders(owner, panel, n):
    actor = actor_of(owner)
    return [ordering.place_order(actor=actor, lines=[(panel, 1)], checkout=ordering.Checkout(po_number=f"PO-{i}"))
            for i in range(n)]


def test_order_list_filters_by_status_sku_po_and_dates(signed_in, owner, addresses, panel, boxed):
    orders = _orders(owner, panel, 3)
    big = ordering.place_order(actor=actor_of(owner), lines=[(boxed, 10)], checkout=ordering.Checkout(po_number="X9"))
    changes.cancel_order(actor=actor_of(owner), order=orders[0])

    def numbers(**params):
        html = signed_in.get(reverse("orders:orders"), params).content.decode()
        return {o.number for o in Order.objects.all() if f'data-number="{o.number}"' in html}

    assert numbers() == {o.number for o in Order.objects.all()}
    assert numbers(status="cancelled") == {orders[0].number}
    assert numbers(sku="cab-3x") == {big.number}
    assert numbers(po="x9") == {big.number}
    # The day the dealer sees (the portal's time zone), not the UTC day: they differ for 3 hours every night.
    today = timezone.localdate(orders[0].created_at).isoformat()
    assert len(numbers(date_from=today, date_to=today)) == 4 and numbers(date_from="2999-01-01") == set()
    assert signed_in.get(reverse("orders:orders"), {"date_from": "not-a-date"}).status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_order_pages_take_a_fixed_number_of_queries(n, signed_in, owner, addresses, panel,
                                                    django_assert_max_num_queries):
    orders = _orders(owner, panel, n)
    with django_assert_max_num_queries(9):
        listed = signed_in.get(reverse("orders:orders")).content.decode()
    assert all(f'data-number="{order.number}"' in listed for order in orders)
    with django_assert_max_num_queries(12):
        detail = signed_in.get(orders[0].get_absolute_url()).content.decode()
    assert orders[0].number in detail and "LED-600" in detail


def test_order_page_shows_lines_history_and_the_agent(client, agent, dealer, addresses, panel):
    order = ordering.place_order(actor=actor_of(agent, dealer), lines=[(panel, 2)], checkout=ordering.Checkout())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    client.force_login(owner)
    html = client.get(order.get_absolute_url()).content.decode()
    assert "LED-600" in html and "240.00" in html and f"placed by {agent}" in html
    assert 'id="order-history"' in html and 'id="cancel-form"' in html


def test_another_dealers_order_is_404_on_every_page_and_endpoint(client, owner, addresses, panel, other_dealer):
    order = _orders(owner, panel, 1)[0]
    client.force_login(DealerUserFactory(dealer=other_dealer, role=Role.OWNER))
    for name in ("orders:order",):
        assert client.get(reverse(name, args=[order.number])).status_code == 404
    for name in ("orders:order_cancel", "orders:order_approve", "orders:order_change", "orders:order_again"):
        assert client.post(reverse(name, args=[order.number])).status_code == 404
    assert client.get(reverse("api:me-order", args=[order.number])).status_code == 404
    assert client.post(reverse("api:me-order-cancel", args=[order.number])).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_dealer_cancels_and_changes_from_the_order_page(signed_in, owner, addresses, panel):
    order = _orders(owner, panel, 1)[0]
    line = order.lines.get()
    signed_in.post(reverse("orders:order_change", args=[order.number]), {f"line-{line.pk}": "3"})
    order.refresh_from_db()
    assert order.total_net == Decimal("300.00")
    response = signed_in.post(reverse("orders:order_change", args=[order.number]), {f"line-{line.pk}": "abc"},
                              follow=True)
    assert "Not a quantity: abc" in response.content.decode()
    signed_in.post(reverse("orders:order_cancel", args=[order.number]))
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_order_again_puts_the_lines_into_the_cart(signed_in, owner, addresses, panel):
    from orders.models import CartLine

    order = _orders(owner, panel, 1)[0]
    response = signed_in.post(reverse("orders:order_again", args=[order.number]))
    assert response["Location"] == reverse("orders:cart")
    assert list(CartLine.objects.values_list("product__sku", "quantity")) == [("LED-600", Decimal("1.000"))]


def test_approver_approves_on_the_order_page(client, dealer, addresses, panel):
    buyer = DealerUserFactory(dealer=dealer, role=Role.BUYER, order_limit=Decimal("100"))
    order = ordering.place_order(actor=actor_of(buyer), lines=[(panel, 2)], checkout=ordering.Checkout())
    approver = DealerUserFactory(dealer=dealer, role=Role.APPROVER)
    client.force_login(approver)
    assert 'id="approve-form"' in client.get(order.get_absolute_url()).content.decode()
    client.post(reverse("orders:order_approve", args=[order.number]), {"note": "fine"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and order.decided_by == approver


def test_return_form_for_a_delivered_line(signed_in, owner, addresses, panel):
    from orders.models import ReturnRequest

    order = _orders(owner, panel, 1)[0]
    staff = StaffFactory()
    for status in ("confirmed", "shipped", "delivered"):
        changes.set_status(actor=staff, order=order, status=status)
    line = order.lines.get()
    url = reverse("orders:order_return", args=[order.number, line.pk])
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(url, {"quantity": "5", "reason": "Broken"})
    assert response.status_code == 200 and "can still be returned" in response.content.decode()
    response = signed_in.post(url, {"quantity": "1", "reason": "Broken"})
    assert response.status_code == 302 and ReturnRequest.objects.get().quantity == 1


# --- API ------------------------------------------------------------------------------------------------------

def test_api_places_with_an_idempotency_key_once(signed_in, addresses, panel):
    body = {"lines": [{"sku": "led-600", "quantity": "2"}], "po_number": "API-1"}
    first = signed_in.post(reverse("api:me-orders"), body, content_type="application/json",
                           headers={"Idempotency-Key": "erp-42"})
    again = signed_in.post(reverse("api:me-orders"), body, content_type="application/json",
                           headers={"Idempotency-Key": "erp-42"})
    assert first.status_code == 201 and again.status_code == 201 and again.json() == first.json()
    assert first.json()["number"] == again.json()["number"] and Order.objects.count() == 1
    assert first.json()["lines"][0]["sku"] == "LED-600" and first.json()["total_gross"] == "240.00"


def test_api_refusals_are_json_with_codes(signed_in, addresses, panel, boxed):
    panel.stock_quantity = 1
    panel.save()
    out = signed_in.post(reverse("api:me-orders"), {"lines": [{"sku": "LED-600", "quantity": "2"}]},
                         content_type="application/json")
    assert out.status_code == 409 and out.json()["code"] == "catalog.out_of_stock"
    bad = signed_in.post(reverse("api:me-orders"), {"lines": [{"sku": "CAB-3X25", "quantity": "3"}]},
                         content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "catalog.below_minimum"
    unknown = signed_in.post(reverse("api:me-orders"), {"lines": [{"sku": "NOPE", "quantity": "1"}]},
                             content_type="application/json")
    assert unknown.status_code == 400
    assert not Order.objects.exists()


def test_api_lists_filters_reads_and_cancels(signed_in, owner, addresses, panel):
    orders = _orders(owner, panel, 2)
    listed = signed_in.get(reverse("api:me-orders"), {"po": "PO-1"}).json()
    assert [o["number"] for o in listed["results"]] == [orders[1].number]
    detail = signed_in.get(reverse("api:me-order", args=[orders[0].number])).json()
    assert detail["history"][0]["status"] == "placed" and detail["lines"][0]["quantity"] == "1.000"
    cancelled = signed_in.post(reverse("api:me-order-cancel", args=[orders[0].number]), {"note": "dup"},
                               content_type="application/json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = signed_in.post(reverse("api:me-order-cancel", args=[orders[0].number]), content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "orders.not_changeable"


def test_api_orders_the_cart_when_no_lines_are_given(signed_in, addresses, cart):
    response = signed_in.post(reverse("api:me-orders"), {}, content_type="application/json")
    assert response.status_code == 201 and response.json()["lines"][0]["quantity"] == "2.000"


def test_checkout_to_a_new_one_off_address(signed_in, addresses, cart, dealer):
    form = _form(addresses, shipping_address="new", new_line1="Şantiye 4. Blok", new_city="İzmir",
                 new_contact_name="Murat Usta", new_phone="0532 000 00 00")
    review = signed_in.post(reverse("orders:checkout"), {**form, "step": "review"})
    assert "Şantiye 4. Blok" in review.content.decode() and "İzmir" in review.content.decode()
    incomplete = signed_in.post(reverse("orders:checkout"), {**form, "new_city": "", "step": "review"})
    assert "needs at least a street and a city" in incomplete.content.decode()
    signed_in.post(reverse("orders:checkout"), {**form, "step": "place"})
    order = Order.objects.get()
    assert "Şantiye 4. Blok" in order.shipping_address and "Murat Usta" in order.shipping_address
    assert dealer.addresses.count() == 2  # not saved in the address book


def test_api_takes_a_new_delivery_address(signed_in, addresses, panel):
    response = signed_in.post(reverse("api:me-orders"), {
        "lines": [{"sku": "LED-600", "quantity": "1"}],
        "new_shipping_address": {"line1": "Liman Cad. 9", "city": "Mersin"}}, content_type="application/json")
    assert response.status_code == 201 and "Liman Cad. 9" in response.json()["shipping_address"]
    bad = signed_in.post(reverse("api:me-orders"), {
        "lines": [{"sku": "LED-600", "quantity": "1"}], "new_shipping_address": {"line1": "x"}},
        content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "orders.invalid_checkout"
