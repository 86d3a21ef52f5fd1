"""An invoice's admin page: its status and the one staff move (void, while nothing is settled) through
void_invoice; amounts with thousands separators and currency, quantities without padding zeros, readable captions."""
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from dealers.testing import StaffFactory
from payments.models import InvoiceLine, InvoiceStatus
from payments.testing import InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(db):
    invoice = InvoiceFactory(number="INV-T-BIG", total_gross=D("12345.60"))
    InvoiceLine.objects.create(invoice=invoice, sku="LED-600", name="LED panel", quantity=D("2.000"), unit="piece",
                               unit_price=D("5144.00"), vat_rate=D("20.00"), line_net=D("10288.00"),
                               line_vat=D("2057.60"))
    return invoice


def _change(client, invoice):
    return client.get(reverse("admin:payments_invoice_change", args=[invoice.pk])).content.decode()


def test_invoice_page_shows_status_void_button_and_formatted_amounts(staff_client, invoice):
    page = _change(staff_client, invoice)
    assert "Current status:" in page and ">Open<" in page
    assert set(re.findall(r"/move/([a-z_]+)/", page)) == {"void"} and ">Void the invoice<" in page
    assert "12,345.60 TRY" in page and "10,288.00 TRY" in page and "5,144.00 TRY" in page
    assert "12345.60" not in page and "2.000" not in page
    assert re.search(r"field-qty[^>]*>\s*<p>2 pieces</p>", page) and ">piece<" not in page
    assert "InvoiceLine object" not in page and "LED-600 × 2" in page
    listing = staff_client.get(reverse("admin:payments_invoice_changelist")).content.decode()
    assert "12,345.60 TRY" in listing and "12345.60" not in listing


def test_voiding_from_the_page_asks_a_reason_shown_to_the_dealer(staff_client, invoice):
    url = reverse("admin:payments_invoice_move", args=[invoice.pk, "void"])
    confirm = staff_client.get(url).content.decode()
    assert "Shown to the dealer: on the invoice and in the e-mail." in confirm
    refused = staff_client.post(url, {"apply": "1", "reason": ""})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    response = staff_client.post(url, {"apply": "1", "reason": "Issued twice"}, follow=True)
    assert "INV-T-BIG is now “Void”." in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOID and invoice.void_reason == "Issued twice"
    page = _change(staff_client, invoice)
    assert "/move/" not in page and "No further move is possible" in page


def test_a_partly_paid_invoice_offers_no_void_and_refuses_one(staff_client, invoice):
    invoice.settled, invoice.status = D("100.00"), InvoiceStatus.PARTIALLY_PAID
    invoice.save()
    assert "/move/" not in _change(staff_client, invoice)
    response = staff_client.post(reverse("admin:payments_invoice_move", args=[invoice.pk, "void"]),
                                 {"apply": "1", "reason": "Mistake"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID


def test_payment_and_credit_note_pages_show_amounts_with_currency(staff_client):
    from payments.testing import CreditNoteFactory, PaymentFactory

    payment = PaymentFactory(amount=D("1234.50"))
    page = staff_client.get(reverse("admin:payments_payment_change", args=[payment.pk])).content.decode()
    assert "1,234.50 TRY" in page and "1234.50" not in page
    listing = staff_client.get(reverse("admin:payments_payment_changelist")).content.decode()
    assert "1,234.50 TRY" in listing
    note = CreditNoteFactory(amount=D("2500.00"))
    page = staff_client.get(reverse("admin:payments_creditnote_change", args=[note.pk])).content.decode()
    assert "2,500.00 TRY" in page and "2500.00" not in page


def test_card_payments_list_amounts_with_currency(staff_client):
    from orders.models import Order
    from payments.models import CardPayment

    dealer = InvoiceFactory().dealer
    order = Order.objects.create(number="ORD-T-CARD", dealer=dealer, placed_by=StaffFactory(),
                                 shipping_address="Depot", billing_address="Office", total_gross=D("9876.50"))
    CardPayment.objects.create(order=order, dealer=dealer, provider="offline", reference="ref-card-1",
                               amount=D("9876.50"), captured=D("9876.50"))
    listing = staff_client.get(reverse("admin:payments_cardpayment_changelist")).content.decode()
    assert listing.count("9,876.50 TRY") == 2 and "9876.50" not in listing
