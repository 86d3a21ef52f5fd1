"""A wire-transfer order waits for its money: its page says what to transfer, staff cannot move it on until
finance records payments covering it against the order."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders.models import OrderStatus
from orders.services import changes, ordering
from orders.testing import actor_of, priced, with_addresses
from payments.services.allocation import record_payment
from payments.services.wire import WirePaymentPending
from pricing.testing import PriceListFactory


@pytest.fixture
def wire_order(db, settings):
    settings.INVOICE_BANK_ACCOUNT = "Demo Bank · IBAN TR12 3456"
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    product = priced(PriceListFactory(kind="market"), "100.00", sku="WIRE-1")
    order = ordering.place_order(actor=actor_of(owner), lines=[(product, 2)],
                                 checkout=ordering.Checkout(payment_method="wire"))
    order.owner = owner
    return order


def test_the_order_page_says_what_to_transfer_until_it_is_paid(client, wire_order):
    client.force_login(wire_order.owner)
    html = client.get(wire_order.get_absolute_url()).content.decode()
    assert 'id="wire-instructions"' in html and "240.00 TRY" in html and "IBAN TR12 3456" in html
    assert wire_order.number in html
    record_payment(actor=StaffFactory(), dealer=wire_order.dealer, amount="240.00", kind="wire",
                   received_on=datetime.date.today(), order=wire_order)
    assert 'id="wire-instructions"' not in client.get(wire_order.get_absolute_url()).content.decode()


def test_staff_cannot_confirm_before_the_money_is_there(wire_order):
    staff = StaffFactory()
    with pytest.raises(WirePaymentPending) as exc:
        changes.set_status(actor=staff, order=wire_order, status=OrderStatus.CONFIRMED)
    assert "240.00 TRY still to be received" in str(exc.value.message)
    record_payment(actor=staff, dealer=wire_order.dealer, amount="200.00", kind="wire",
                   received_on=datetime.date.today(), order=wire_order)
    with pytest.raises(WirePaymentPending):
        changes.set_status(actor=staff, order=wire_order, status=OrderStatus.CONFIRMED)
    record_payment(actor=staff, dealer=wire_order.dealer, amount="40.00", kind="wire",
                   received_on=datetime.date.today(), order=wire_order)
    order = changes.set_status(actor=staff, order=wire_order, status=OrderStatus.CONFIRMED)
    assert order.status == OrderStatus.CONFIRMED
    # Cancelling an unpaid one is always possible.
    other = ordering.place_order(actor=actor_of(wire_order.owner), lines=[(wire_order.lines.get().product, 1)],
                                 checkout=ordering.Checkout(payment_method="wire"))
    assert changes.set_status(actor=staff, order=other, status=OrderStatus.CANCELLED).status == OrderStatus.CANCELLED


def test_the_admin_reports_the_refusal(client, wire_order):
    client.force_login(StaffFactory())
    response = client.post(reverse("admin:orders_order_changelist"),
                           {"action": "confirm_selected", "_selected_action": [wire_order.pk]}, follow=True)
    assert "waits for its wire transfer" in response.content.decode()
    wire_order.refresh_from_db()
    assert wire_order.status == OrderStatus.PLACED and Decimal(wire_order.total_gross) == Decimal("240.00")


def test_the_order_page_links_its_invoice_for_those_who_pay(client, wire_order):
    from payments.services.invoices import issue_invoice

    invoice = issue_invoice(order=wire_order)
    client.force_login(wire_order.owner)
    html = client.get(wire_order.get_absolute_url()).content.decode()
    assert f'href="{reverse("payments:invoice", args=[invoice.number])}"' in html
    client.force_login(DealerUserFactory(dealer=wire_order.dealer, role=Role.BUYER))
    assert 'id="order-invoices"' not in client.get(wire_order.get_absolute_url()).content.decode()


def test_a_transfer_for_an_order_waits_for_its_invoice_instead_of_paying_older_ones(wire_order):
    from payments.models import Invoice, InvoiceStatus
    from payments.services.invoices import issue_invoice
    from payments.testing import InvoiceFactory

    older = InvoiceFactory(dealer=wire_order.dealer, total_gross=Decimal("500.00"))
    payment = record_payment(actor=StaffFactory(), dealer=wire_order.dealer, amount="240.00", kind="wire",
                             received_on=datetime.date.today(), order=wire_order)
    older.refresh_from_db()
    assert payment.allocated == Decimal("0.00") and older.settled == Decimal("0.00")
    staff = StaffFactory()
    changes.set_status(actor=staff, order=wire_order, status=OrderStatus.CONFIRMED)
    changes.set_status(actor=staff, order=wire_order, status=OrderStatus.SHIPPED)
    invoice = Invoice.objects.get(order=wire_order)
    assert invoice.status == InvoiceStatus.PAID and invoice.settled == Decimal("240.00")
    assert issue_invoice(order=wire_order).pk == invoice.pk
