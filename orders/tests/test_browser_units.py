"""Units as a dealer reads them in a real Chromium: "2 pieces" and "1 piece" in English on the cart, the review and
the order page; "2 adet" (no English word) for a Turkish colleague; the invoice PDF and the quote PDF word their units
in the recipient's language with plural forms (text read back from the downloaded PDF)."""
import io
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from catalog.models import Unit
from dealers.models import Role
from dealers.testing import PASSWORD, AgentFactory, DealerFactory, DealerUserFactory, StaffFactory
from orders.models import Order
from orders.services import ordering
from orders.testing import actor_of, paste_into_cart, priced, with_addresses
from payments.services import invoices
from portal.documents import render_document
from portal.models import Document
from portal.testing import log_in, log_out, wait_until
from pricing import services as pricing_services
from pricing.services.quotes import QuoteLineInput
from pricing.testing import PriceListFactory, send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _products():
    market = PriceListFactory(kind="market")
    return (priced(market, "100.00", sku="LED-600", name="LED panel 60x60", stock_quantity=50),
            priced(market, "30.00", sku="LMP-1", name="Desk lamp", stock_quantity=50),
            priced(market, "12.50", sku="CAB-3X25", name="Cable 3x2.5 box", unit=Unit.BOX, stock_quantity=500,
                   min_order_quantity=Decimal(10), order_multiple=Decimal(5)))


def _row(page, table, sku):
    return page.locator(f"{table} tr[data-sku='{sku}']")


def _pdf_text(page, url) -> str:
    """The PDF as the signed-in user downloads it, its text extracted the way a reader's copy-paste would."""
    response = page.request.get(url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    return re.sub(r"[ \t]+", " ", text)


def _rendered(document_id):
    """Render the PDF as the worker does. The suite's own Celery worker, if an earlier test started it, may be
    rendering the same row at this moment (it takes rows SKIP LOCKED): then wait for its result."""
    render_document(document_id=document_id)
    wait_until(lambda: Document.objects.get(pk=document_id).status == Document.Status.READY, 60, "the PDF")


def test_english_cart_review_and_order_say_pieces_and_a_turkish_colleague_reads_adet(live_server, page):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="owner@units.example.com", language="en")
    turkish = DealerUserFactory(dealer=dealer, role=Role.VIEWER, email="izleyici@units.example.com", language="tr")
    _products()
    base = live_server.url

    log_in(page, base, owner.email, PASSWORD, dealer.code)
    paste_into_cart(page, base, "LED-600 2\nLMP-1 1")
    assert _row(page, "#cart-lines", "LED-600").locator(".unit").inner_text() == "pieces"
    assert _row(page, "#cart-lines", "LMP-1").locator(".unit").inner_text() == "piece"
    page.click("#to-checkout")
    page.wait_for_url("**/orders/checkout/")
    page.click("#to-review")
    page.wait_for_load_state()
    assert "2 pieces" in _row(page, "#summary-lines", "LED-600").inner_text()
    assert "1 piece" in _row(page, "#summary-lines", "LMP-1").inner_text()
    page.click("#place-order")
    page.wait_for_url("**/orders/ORD-*/")
    # The owner may still change the order: the quantity is a field, the unit's word follows it.
    led = _row(page, "#order-lines", "LED-600")
    assert led.locator("input.qty").input_value() == "2" and led.locator(".unit").inner_text() == "pieces"
    assert _row(page, "#order-lines", "LMP-1").locator(".unit").inner_text() == "piece"
    order = Order.objects.get()
    assert set(order.lines.values_list("unit", flat=True)) == {"piece"}
    log_out(page)
    page.context.clear_cookies()  # the colleague's own browser: no language chosen yet, the account's applies

    log_in(page, base, turkish.email, PASSWORD, dealer.code)
    page.goto(base + reverse("orders:order", args=[order.number]))
    lines = page.inner_text("#order-lines")
    assert "2 adet" in _row(page, "#order-lines", "LED-600").inner_text()
    assert "1 adet" in _row(page, "#order-lines", "LMP-1").inner_text()
    assert "piece" not in lines


@pytest.mark.parametrize(("language", "expected", "foreign"), [
    ("en", {"LED-600": "2 pieces", "LMP-1": "1 piece", "CAB-3X25": "15 boxes"}, "adet"),
    ("tr", {"LED-600": "2 adet", "LMP-1": "1 adet", "CAB-3X25": "15 kutu"}, "piece"),
])
def test_the_invoice_page_and_pdf_word_units_in_the_dealers_language(live_server, page, language, expected, foreign):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, language=language)
    panel, lamp, boxed = _products()
    # Placed by a colleague browsing in the other language: what is stored must not depend on it.
    with translation.override("tr" if language == "en" else "en"):
        order = ordering.place_order(actor=actor_of(owner), lines=[(panel, 2), (lamp, 1), (boxed, 15)],
                                     checkout=ordering.Checkout())
    with transaction.atomic():
        invoice = invoices.issue_invoice(order=order, actor=StaffFactory())
    _rendered(invoice.document_id)

    log_in(page, live_server.url, owner.email, PASSWORD, dealer.code)
    page.goto(live_server.url + reverse("payments:invoice", args=[invoice.number]))
    table = page.inner_text("#invoice-lines")
    for sku, words in expected.items():
        assert words in table, (sku, table)
    assert foreign not in table

    text = _pdf_text(page, live_server.url + reverse("payments:invoice_pdf", args=[invoice.number]))
    for sku, words in expected.items():
        assert words in text, (sku, text)
    assert foreign not in text
    assert not re.search(r"\b2 piece\b", text)


@pytest.mark.parametrize(("language", "expected", "foreign"), [
    ("en", ["3 pieces", "1 piece", "15 boxes"], "adet"),
    ("tr", ["3 adet", "1 adet", "15 kutu"], "piece"),
])
def test_the_quote_pdf_words_units_in_the_dealers_language(live_server, page, language, expected, foreign):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, language=language)
    agent = AgentFactory(dealers=[dealer])
    panel, lamp, boxed = _products()
    with transaction.atomic():
        quote = pricing_services.request_quote(actor=actor_of(owner), lines=[(panel, 3), (lamp, 1), (boxed, 15)])
    quote = send(agent, quote, lines=[QuoteLineInput(panel, 3), QuoteLineInput(lamp, 1), QuoteLineInput(boxed, 15)])
    revision = quote.revisions.get(number=1)
    _rendered(revision.document_id)

    log_in(page, live_server.url, owner.email, PASSWORD, dealer.code)
    page.goto(live_server.url + reverse("quotes:detail", args=[quote.number]))
    text = _pdf_text(page, live_server.url + reverse("quotes:revision_pdf", args=[quote.number, 1]))
    for words in expected:
        assert words in text, (words, text)
    assert foreign not in text
