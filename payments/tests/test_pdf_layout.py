"""What a reader sees on the invoice and statement PDFs: the billing address once, amounts of a million that stay on
one line (never "1,234,567.89" above "TRY"), and the letterhead's "Tax ID" unbroken. Rendered with WeasyPrint here
(the worker's part is proven by test_invoice_pdf); the text is read back with pypdf, line by line."""
import datetime
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from dealers.models import Address, Role
from dealers.testing import AddressFactory, DealerFactory, DealerUserFactory, StaffFactory
from orders.services import ordering
from orders.testing import actor_of, priced
from payments.models import CreditAccount
from payments.services import invoices, statements
from payments.testing import InvoiceFactory, PaymentFactory
from portal.documents import render_pdf
from pricing.testing import PriceListFactory

pytestmark = pytest.mark.django_db


def pdf_lines(data: bytes) -> list[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return [line.strip() for line in text.splitlines()]


def squeezed(text) -> str:
    return "".join(text.split())


def on_one_line(lines, text) -> bool:
    """pypdf puts kerned pairs apart ("T ax"): spaces are ignored, line breaks are not."""
    return any(squeezed(text) in squeezed(line) for line in lines)


@pytest.fixture
def big_invoice(settings):
    settings.COMPANY = {**settings.COMPANY, "tax_id": "1234567890"}
    dealer = DealerFactory(legal_name="Kaya Elektrik Ticaret Ltd. Şti.")
    AddressFactory(dealer=dealer, kind=Address.Kind.SHIPPING, is_default=True, label="Ankara depot")
    # As an application's address becomes the billing address: the same street as the registered one.
    AddressFactory(dealer=dealer, kind=Address.Kind.BILLING, is_default=True, label="Head office",
                   line1=dealer.address_line, postal_code=dealer.postal_code, district="", city=dealer.city)
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    product = priced(PriceListFactory(kind="market"), "12345.67", sku="BIG-1",
                     name="Trafo merkezi 1600 kVA, kompakt beton köşk, orta gerilim hücreleri ve alçak gerilim panosu",
                     stock_quantity=1000)
    CreditAccount.objects.update_or_create(dealer=dealer, defaults={"credit_limit": Decimal("5000000.00")})
    order = ordering.place_order(actor=actor_of(owner), lines=[(product, 100)], checkout=ordering.Checkout())
    invoice = invoices.issue_invoice(order=order, actor=StaffFactory())
    return invoice


def test_the_invoice_prints_the_billing_address_once_and_amounts_on_one_line(big_invoice):
    lines = pdf_lines(render_pdf(template="pdf/invoice.html", context=invoices.invoice_context(big_invoice),
                                 language="en"))
    text = "\n".join(lines)
    dealer = big_invoice.dealer
    assert squeezed(text).count(squeezed(dealer.address_line)) == 1, text
    assert squeezed(text).count("Headoffice") == 1, text
    for amount in ("12,345.67 TRY", "1,234,567.00 TRY", "246,913.40 TRY", "1,481,480.40 TRY"):
        assert on_one_line(lines, amount), (amount, text)
    assert on_one_line(lines, "Tax ID 1234567890"), text


def test_the_statement_keeps_amounts_and_the_tax_id_on_one_line(settings):
    settings.COMPANY = {**settings.COMPANY, "tax_id": "1234567890"}
    dealer = DealerFactory(legal_name="Kaya Elektrik Ticaret Ltd. Şti.")
    day = datetime.date(2026, 3, 1)
    InvoiceFactory(dealer=dealer, number="INV-2026-000001", total_gross=Decimal("1234567.89"), issue_date=day)
    PaymentFactory(dealer=dealer, number="PAY-2026-000001", amount=Decimal("987654.32"),
                   received_on=day + datetime.timedelta(days=1), reference="EFT 9")
    statement = statements.build_statement(dealer=dealer, date_from=day, date_to=day + datetime.timedelta(days=5))
    lines = pdf_lines(statements.statement_pdf(statement, language="en"))
    text = "\n".join(lines)
    for amount in ("1,234,567.89 TRY", "987,654.32 TRY", "246,913.57 TRY"):
        assert on_one_line(lines, amount), (amount, text)
    assert on_one_line(lines, "Tax ID 1234567890"), text
