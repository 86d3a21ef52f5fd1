"""The invoice PDF end to end: issuing asks for it, a real Celery worker renders it with WeasyPrint, and its text
carries the number, the dealer with its tax number, the total and the due date; the dealer downloads it, another
dealer gets 404."""
import io
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders.services import ordering
from orders.testing import actor_of, priced, with_addresses
from payments.services import invoices
from portal.models import Document
from portal.testing import wait_until
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def squeezed(text) -> str:
    return re.sub(r"\s+", "", text)


def test_worker_renders_the_invoice_pdf_with_number_dealer_and_total(celery_worker, client):
    dealer = with_addresses(DealerFactory(legal_name="Kaya Elektrik Ticaret Ltd. Şti."))
    finance = DealerUserFactory(dealer=dealer, role=Role.FINANCE)
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    product = priced(PriceListFactory(kind="market"), "100.00", sku="PDF-1", name="Işıklı panel", stock_quantity=50)
    order = ordering.place_order(actor=actor_of(owner), lines=[(product, 3)], checkout=ordering.Checkout())
    with transaction.atomic():
        invoice = invoices.issue_invoice(order=order, actor=StaffFactory())
    wait_until(lambda: Document.objects.get(pk=invoice.document_id).status != Document.Status.PENDING, 90,
               "the invoice PDF")
    document = Document.objects.get(pk=invoice.document_id)
    assert document.status == Document.Status.READY, document.last_error
    with document.file.open("rb") as fh:
        data = fh.read()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    flat = squeezed(text)
    assert invoice.number in text
    assert squeezed(dealer.legal_name) in flat and dealer.tax_number in flat
    assert squeezed("360.00") in flat and squeezed("Işıklı panel") in flat
    assert "How to pay" in text

    client.force_login(finance)
    response = client.get(reverse("payments:invoice_pdf", args=[invoice.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(DealerUserFactory(dealer=DealerFactory(), role=Role.OWNER))
    assert client.get(reverse("payments:invoice_pdf", args=[invoice.number])).status_code == 404
    assert Decimal(invoice.total_gross) == Decimal("360.00")
