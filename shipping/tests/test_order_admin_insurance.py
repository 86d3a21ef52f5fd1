"""The orders admin's order page shows the cargo insurance chosen at checkout (Order.shipping_insured,
shipping_insurance_net) read-only beside the shipping charge it is part of."""
import re
from decimal import Decimal

import pytest

from orders.services import ordering
from orders.testing import priced
from shipping.models import RateKind
from shipping.testing import method_with

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def lamp(market):
    return priced(market, "1000.00", sku="LAMP-1K", name="Floor lamp", stock_quantity=1000)


@pytest.fixture
def insured_road(dealer):
    """120.00 net flat at 20 % VAT; insurance 0.5 % of the goods' net value, at least 50.00."""
    return method_with({"kind": RateKind.FLAT, "price": "120.00"}, code="road", name_en="Road", name_tr="Karayolu",
                       vat_rate=D("20.00"), insurance_rate_percent=D("0.50"), insurance_minimum=D("50.00"),
                       insurance_cover_en="Loss and damage in transit, up to the goods' net value.")


def _row(html, field):
    """The read-only value of the admin field row `field` as text."""
    match = re.search(rf'class="[^"]*field-{field}[^"]*".*?<div class="readonly">(.*?)</div>', html, re.S)
    assert match, f"no {field} row on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("\xa0", " ").strip()


def test_the_order_page_shows_cargo_insurance_and_its_premium_beside_the_shipping_charge(client, staff, actor,
                                                                                         addresses, lamp,
                                                                                         insured_road):
    insured = ordering.place_order(actor=actor, lines=[(lamp, 20)],
                                   checkout=ordering.Checkout(shipping_method="road", insured=True))
    plain = ordering.place_order(actor=actor, lines=[(lamp, 1)], checkout=ordering.Checkout(shipping_method="road"))
    client.force_login(staff)

    html = client.get(f"/admin/orders/order/{insured.pk}/change/").content.decode()
    assert "Cargo insurance" in html and "Insurance premium (net)" in html
    assert _row(html, "cargo_insurance") == "yes"
    assert "100.00" in _row(html, "insurance_premium")  # 0.5 % of 20,000.00 net
    assert "220.00" in _row(html, "shipping_charge_net")  # the premium is in the charge: 120.00 + 100.00
    # Beside the shipping charge: right after its VAT, before the payment method.
    order_of_rows = [html.index(f"field-{name}") for name in
                     ("shipping_charge_net", "shipping_charge_vat", "cargo_insurance", "insurance_premium",
                      "payment_method")]
    assert order_of_rows == sorted(order_of_rows)
    # Read-only: no input for them.
    assert 'name="shipping_insured"' not in html and 'name="shipping_insurance_net"' not in html

    html = client.get(f"/admin/orders/order/{plain.pk}/change/").content.decode()
    assert _row(html, "cargo_insurance") == "no" and "0.00" in _row(html, "insurance_premium")
