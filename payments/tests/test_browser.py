"""A finance user of a dealer in a real Chromium: Invoices in the header → the statement with its running balance →
back to the invoices → downloads an invoice's PDF."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from payments.services.invoices import INVOICE_PDF
from payments.testing import InvoiceFactory, PaymentFactory
from portal.documents import render_document, request_document
from portal.models import Document
from portal.testing import log_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_user_reads_the_statement_and_downloads_an_invoice_pdf(live_server, page):
    dealer = DealerFactory()
    user = DealerUserFactory(dealer=dealer, role=Role.FINANCE, email="finance@stmt.example.com")
    today = timezone.localdate()
    invoice = InvoiceFactory(dealer=dealer, number="INV-2026-900001", total_gross=Decimal("1200.00"),
                             issue_date=today - datetime.timedelta(days=3))
    PaymentFactory(dealer=dealer, number="PAY-2026-900001", amount=Decimal("450.00"), received_on=today)
    document = request_document(owner=invoice, kind=INVOICE_PDF)
    render_document(document_id=document.pk)  # rendered here; the worker's part is proven by test_invoice_pdf
    # The suite's worker, if an earlier test started it, may hold the row at this moment (SKIP LOCKED): wait for it.
    wait_until(lambda: Document.objects.get(pk=document.pk).status == Document.Status.READY, 60, "the PDF")
    invoice.document = document
    invoice.save(update_fields=["document"])
    base = live_server.url

    log_in(page, base, user.email, PASSWORD, dealer.code)
    page.goto(base + "/")
    page.get_by_role("link", name="Invoices").first.click()
    page.wait_for_url("**/payments/invoices/")
    assert "INV-2026-900001" in page.inner_text("#invoice-table")

    page.click("#statement-link")
    page.wait_for_url("**/payments/statement/")
    table = page.inner_text("#statement-table")
    assert "INV-2026-900001" in table and "PAY-2026-900001" in table
    assert page.inner_text("#closing-balance") == "750.00 TRY"

    page.goto(base + "/payments/invoices/")
    with page.expect_download() as download_info:
        page.click("tr[data-number='INV-2026-900001'] a.invoice-pdf")
    download = download_info.value
    assert download.suggested_filename == "INV-2026-900001.pdf"
    with open(download.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
