"""The whole negotiated trade in a real Chromium, with a real Celery worker and the real order maker: a dealer
pastes a quick order, asks for a quote from the cart; its sales agent revises a price and sends revision 1; the
dealer downloads the PDF and accepts; the order is placed at the quoted price and shows in the dealer's orders."""
from decimal import Decimal
from pathlib import Path

import pytest

from dealers.testing import PASSWORD
from orders.models import Order
from orders.testing import paste_into_cart, with_addresses
from portal.models import Document
from portal.testing import log_in, log_out, wait_until
from pricing.models import Quote

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_quick_order_to_quote_to_revision_to_pdf_to_order(live_server, page, celery_worker, dealer, owner, agent,
                                                          panel):
    with_addresses(dealer)
    base = live_server.url

    # 1. The dealer's owner pastes a quick order and asks for a quote from the cart.
    log_in(page, base, owner.email, PASSWORD, dealer.code)
    paste_into_cart(page, base, "LED-600 20")
    page.click("#to-quote")
    page.wait_for_url("**/orders/cart/quote/")
    page.fill("#id_note", "Hotel lobby, 20 panels")
    page.click("#quote-request-form button[type=submit]")
    page.wait_for_url("**/quotes/QUO-*/")
    quote = Quote.objects.get()
    assert quote.status == "requested" and quote.lines.get().quantity == 20
    log_out(page)

    # 2. The agent acts for the dealer, lowers the price and sends revision 1.
    log_in(page, base, agent.email, PASSWORD)
    page.goto(f"{base}/agents/dealers/")
    page.locator(f"tr[data-dealer='{dealer.code}'] button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{base}/quotes/{quote.number}/edit/")
    editor = page.locator("#quote-editor")
    editor.locator(f"#editor-lines tr[data-sku='{panel.sku}'] input[name$='-unit_price']").fill("82.50")
    editor.locator("#send-quote").click()
    page.wait_for_load_state()
    assert "as revision 1" in page.locator(".messages").inner_text()
    log_out(page)
    document = Quote.objects.get(pk=quote.pk).revisions.get(number=1).document
    wait_until(lambda: Document.objects.get(pk=document.pk).status == Document.Status.READY, 90, "the quote PDF")

    # 3. The dealer downloads the PDF and accepts: the order is placed at 82.50.
    log_in(page, base, owner.email, PASSWORD, dealer.code)
    page.goto(f"{base}/quotes/{quote.number}/")
    with page.expect_download() as download_info:
        page.locator("#latest-pdf").click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF-")
    page.locator("#accept-quote").click()
    page.locator("#confirm-accept").click()
    page.wait_for_load_state()
    order = Order.objects.get()
    assert page.locator("#order-number").inner_text().strip() == order.number
    line = order.lines.get()
    assert (line.unit_price, line.quantity, order.quote_number) == (Decimal("82.50"), 20, quote.number)

    page.goto(f"{base}/orders/")
    page.get_by_role("link", name=order.number).click()
    page.wait_for_url(f"**/orders/{order.number}/")
    assert "82.50" in page.inner_text("#order-lines") and page.inner_text("#order-quote") == quote.number
