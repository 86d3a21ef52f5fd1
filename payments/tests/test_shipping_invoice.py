"""The shipping charge fixed on an order counts in the dealer's credit exposure and is a line of the order's
invoice, at the freight's own VAT rate, so the invoice's total is the order's (issue 14, section 1)."""
from decimal import Decimal

import pytest
from django.utils import translation

from orders.services import ordering
from payments.errors import OverCreditLimit
from payments.models import CreditAccount
from payments.services import credit, invoices
from shipping.models import RateKind
from shipping.testing import method_with

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def road(dealer):
    """120.00 net flat at 10 % VAT (the goods carry 20 %)."""
    return method_with({"kind": RateKind.FLAT, "price": "120.00"}, code="road", name_en="Road", name_tr="Karayolu",
                       vat_rate=D("10.00"))


def place(actor, lines, method="road"):
    return ordering.place_order(actor=actor, lines=lines, checkout=ordering.Checkout(shipping_method=method))


def test_exposure_counts_the_shipping_charge(actor, addresses, panel, road):
    order = place(actor, [(panel, 2)])
    assert order.total_gross == D("240.00") + D("132.00")
    assert credit.exposure(actor.dealer) == D("372.00")


def test_the_credit_limit_counts_the_shipping_charge(actor, addresses, panel, road):
    CreditAccount.objects.create(dealer=actor.dealer, credit_limit=D("300.00"))
    with pytest.raises(OverCreditLimit):
        place(actor, [(panel, 2)])  # 240.00 of goods fit, 372.00 with shipping do not


def test_the_invoice_carries_a_shipping_line_and_adds_up_to_the_order(actor, addresses, panel, road, staff):
    with translation.override("en"):
        order = place(actor, [(panel, 2)])
    invoice = invoices.issue_invoice(order=order, actor=staff)
    lines = list(invoice.lines.all())
    assert [line.sku for line in lines] == ["LED-600", invoices.SHIPPING_SKU]
    shipping = lines[-1]
    assert shipping.name == "Shipping: Road"  # the method's name when the order was placed
    assert (shipping.vat_rate, shipping.line_net, shipping.line_vat) == (D("10.00"), D("120.00"), D("12.00"))
    assert sum(line.line_net + line.line_vat for line in lines) == invoice.total_gross == order.total_gross
    assert invoice.total_net == order.total_net == D("320.00")


def test_an_order_shipped_free_has_no_shipping_line(actor, addresses, panel, staff):
    order = place(actor, [(panel, 1)], method="standard")  # no method set up: the fixed methods, free
    invoice = invoices.issue_invoice(order=order, actor=staff)
    assert [line.sku for line in invoice.lines.all()] == ["LED-600"]
    assert invoice.total_gross == order.total_gross == D("120.00")
