"""The order's admin page shows its shipments and what is still to ship (shipping's box on orders.admin_panel), with
"Create shipment" (the add page for this order) and "Cancel the rest" (short-shipping with a note), both disabled
with the reason when the order cannot ship."""
from decimal import Decimal

from django.urls import reverse

from orders.models import Order, OrderStatus
from orders.services import ordering
from shipping.models import ShipmentStatus
from shipping.services import move_shipment
from shipping.testing import confirmed_order, ship

OS = OrderStatus


def _page(client, order):
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_order_page_shows_its_shipments_and_the_buttons(staff_client, actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 5, staff=staff)
    line = order.lines.get()
    shipment = move_shipment(actor=staff, shipment=ship(order, {line.pk: 2}, staff=staff), to=ShipmentStatus.SHIPPED)
    ship(order, {line.pk: 1}, staff=staff)
    page = _page(staff_client, order)
    assert 'id="order-shipments"' in page and shipment.number in page and "Shipped" in page
    assert reverse("admin:shipping_shipment_change", args=[shipment.pk]) in page
    add = reverse("admin:shipping_shipment_add") + f"?order_number={order.number}"
    cancel = reverse("admin:shipping_shipment_cancel_rest") + f"?order_number={order.number}"
    assert f'href="{add}" id="order-create-shipment"' in page and f'href="{cancel}" id="order-cancel-rest"' in page
    # ordered 5, being prepared 1, shipped 2, cancelled 0, still to ship 2
    assert "<strong>2 pieces</strong>" in page and "5 pieces" in page and "1 piece" in page


def test_the_buttons_are_disabled_with_the_reason(staff_client, actor, addresses, panel, staff):
    placed = ordering.place_order(actor=actor, lines=[(panel, 1)], checkout=ordering.Checkout())
    page = _page(staff_client, placed)
    assert 'aria-disabled="true" id="order-create-shipment"' in page
    assert "only a confirmed, processing or partially shipped order ships" in page
    assert "No shipment of this order yet." in page


def test_staff_who_may_not_ship_see_no_button_to_press(client, actor, addresses, panel, staff):
    from dealers.testing import UserFactory

    order = confirmed_order(actor, panel, 1, staff=staff)
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=[
        "view_order", "change_order", "view_shipment"]))
    client.force_login(viewer)
    page = _page(client, order)
    assert 'aria-disabled="true" id="order-create-shipment"' in page and "You may not create shipments." in page
    assert client.get(reverse("admin:shipping_shipment_cancel_rest"), {"order_number": order.number}).status_code \
        == 403


def test_cancel_the_rest_from_its_page(staff_client, actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 5, staff=staff)
    line = order.lines.get()
    move_shipment(actor=staff, shipment=ship(order, {line.pk: 2}, staff=staff), to=ShipmentStatus.SHIPPED)
    url = reverse("admin:shipping_shipment_cancel_rest")
    page = staff_client.get(url, {"order_number": order.number})
    assert page.status_code == 200 and page.context["form"].fields[f"line_{line.pk}"].initial == Decimal("3.000")
    # The note is required; a quantity above the rest is refused on the form; nothing changes.
    empty = staff_client.post(url, {"order_number": order.number, f"line_{line.pk}": "3", "note": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["note"]
    over = staff_client.post(url, {"order_number": order.number, f"line_{line.pk}": "4", "note": "Gone"})
    assert over.status_code == 200 and "more than the 3 still to ship" in str(over.context["form"].non_field_errors())
    assert Order.objects.get(pk=order.pk).status == OS.PARTIALLY_SHIPPED
    done = staff_client.post(url, {"order_number": order.number, f"line_{line.pk}": "3", "note": "Discontinued"})
    assert done.status_code == 302 and done["Location"] == reverse("admin:orders_order_change", args=[order.pk])
    assert Order.objects.get(pk=order.pk).status == OS.SHIPPED
    assert order.lines.get().short_shipped_quantity == Decimal("3.000")
    # The order's page now shows the cancelled quantity, and nothing left to ship.
    page = _page(staff_client, order)
    assert 'aria-disabled="true" id="order-cancel-rest"' in page and "“Shipped”: only a confirmed" in page


def test_the_add_page_links_to_cancel_the_rest(staff_client, actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 2, staff=staff)
    page = staff_client.get(reverse("admin:shipping_shipment_add"), {"order_number": order.number})
    assert 'id="shipment-cancel-rest"' in page.content.decode()
    unknown = staff_client.get(reverse("admin:shipping_shipment_cancel_rest"), {"order_number": "ORD-1999-000000"})
    assert unknown.status_code == 302
