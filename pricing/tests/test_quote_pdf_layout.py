"""What a reader sees on the quote PDF with amounts of a million: eight columns, and still every amount on one line
(never "1,234,567.89" above "TRY") and the letterhead's "Tax ID" unbroken. Rendered with WeasyPrint here (the worker's
part is proven by test_quotes_pdf); the text is read back with pypdf, line by line."""
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from portal.documents import get_kind, render_pdf
from pricing import services
from pricing.services.quote_pdf import QUOTE_PDF
from pricing.services.quotes import QuoteLineInput

from .quote_fixtures import actor_of, priced, send

pytestmark = pytest.mark.django_db


def squeezed(text) -> str:
    return "".join(text.split())


def on_one_line(lines, text) -> bool:
    """pypdf puts kerned pairs apart ("T ax"): spaces are ignored, line breaks are not."""
    return any(squeezed(text) in squeezed(line) for line in lines)


def test_the_quote_keeps_long_amounts_and_the_tax_id_on_one_line(settings, owner, agent, market, sub_category):
    settings.COMPANY = {**settings.COMPANY, "tax_id": "1234567890"}
    product = priced(market, "13717.41", sku="Q-TRAFO-1600", category=sub_category, stock_quantity=Decimal(1000),
                     name="Trafo merkezi 1600 kVA, kompakt beton köşk, orta gerilim hücreleri ve alçak gerilim panosu")
    quote = services.request_quote(actor=actor_of(owner), lines=[(product, 100)])
    quote = send(agent, quote, lines=[QuoteLineInput(product, 100, discount_percent="10")])
    revision = quote.revisions.get(number=1)
    kind = get_kind(QUOTE_PDF)
    data = render_pdf(template=kind.template, context=kind.context(revision), language="en")
    lines = [line.strip() for page in PdfReader(io.BytesIO(data)).pages for line in page.extract_text().splitlines()]
    text = "\n".join(lines)
    # 13,717.41 less 10 % = 12,345.67 a piece; 100 pieces 1,234,567.00 net, 246,913.40 VAT, 1,481,480.40 in all; 137,174.00 off list prices.
    for amount in ("13,717.41 TRY", "12,345.67 TRY", "1,234,567.00 TRY", "246,913.40 TRY", "1,481,480.40 TRY",
                   "137,174.00 TRY"):
        assert on_one_line(lines, amount), (amount, text)
    assert on_one_line(lines, "Tax ID 1234567890"), text
    assert on_one_line(lines, "100 pieces"), text
