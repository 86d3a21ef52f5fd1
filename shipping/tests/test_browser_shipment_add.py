"""The shipment admin's add page in Chromium: staff type an order's number and press "Continue" (the parcels field
further down is required, but only for "Create the shipment": the browser must not block the first step), then see
the order's lines with what is still to ship, and create the shipment."""
import re

import pytest

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory, StaffFactory
from orders.testing import actor_of, priced, with_addresses
from pricing.testing import PriceListFactory
from shipping.models import Shipment
from shipping.testing import CarrierFactory, confirmed_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_type_the_order_number_continue_to_the_quantities_and_create_the_shipment(live_server, page):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    staff = StaffFactory(email="depo@portal.example.com")
    panel = priced(PriceListFactory(kind="market"), "100.00", sku="LED-600", name="LED panel 60x60")
    CarrierFactory(code="aras", name="Aras Kargo")
    order = confirmed_order(actor_of(owner), panel, 4, staff=staff)
    line = order.lines.get()
    base = live_server.url
    page.goto(base + "/admin/login/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")

    page.goto(base + "/admin/shipping/shipment/add/")
    assert page.locator(f"#id_line_{line.pk}").count() == 0
    page.fill("#id_order_number", order.number)
    with page.expect_navigation():
        page.click("input[name=continue]")
    # The order's lines with what is still to ship, and the parcels asked for now.
    assert page.input_value(f"#id_line_{line.pk}") in ("4", "4.000")
    assert f"Order {order.number}" in page.inner_text("#shipment-add")
    page.fill(f"#id_line_{line.pk}", "3")
    page.select_option("#id_carrier", label="Aras Kargo")
    page.fill("#id_parcels", "AR-1, 2.5")
    with page.expect_navigation():
        page.click("input[name=save]")
    page.wait_for_url(re.compile(r".*/admin/shipping/shipment/\d+/change/$"))
    shipment = Shipment.objects.get()
    assert shipment.order_id == order.pk and [(sl.quantity) for sl in shipment.lines.all()] == [3]
