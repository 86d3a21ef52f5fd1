"""The quote journey in a real Chromium: a dealer's request is waiting; its sales agent logs in, acts for the dealer,
opens the editor, changes a price and sends; a real Celery worker renders the PDF; the dealer's owner logs in, sees
revision 1, downloads the PDF and accepts — and sees the order number (from the fake order maker)."""
from pathlib import Path

import pytest

from dealers.testing import PASSWORD
from portal.models import Document
from portal.testing import log_in, log_out, wait_until
from pricing import services
from pricing.models import Quote

from .quote_fixtures import actor_of

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_agent_revises_and_sends_dealer_downloads_the_pdf_and_accepts(
        live_server, page, celery_worker, order_maker, dealer, owner, agent, panel, chinese):
    quote = services.request_quote(actor=actor_of(owner), lines=[(panel, 3), (chinese, 7)], note="Hotel lobby")
    base = live_server.url

    # The agent acts for the dealer and prepares the quote.
    log_in(page, base, agent.email, PASSWORD)
    page.goto(f"{base}/agents/dealers/")
    page.locator(f"tr[data-dealer='{dealer.code}'] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("header a.nav-quotes").click()
    page.get_by_role("link", name=quote.number).click()
    assert page.locator("#quote-in-preparation").is_visible()
    page.locator("#edit-quote").click()
    editor = page.locator("#quote-editor")
    row = editor.locator(f"#editor-lines tr[data-sku='{panel.sku}']")
    row.locator("input[name$='-unit_price']").fill("88.00")
    editor.locator("textarea[name='header-terms']").fill("24 months warranty")
    editor.locator("#send-quote").click()
    page.wait_for_load_state()
    assert "as revision 1" in page.locator(".messages").inner_text()
    quote.refresh_from_db()
    assert quote.status == "sent" and quote.revision == 1
    log_out(page)

    # The worker renders the PDF meanwhile.
    document = quote.revisions.get(number=1).document
    wait_until(lambda: Document.objects.get(pk=document.pk).status == Document.Status.READY, 90, "the quote PDF")

    # The dealer's owner sees revision 1, downloads it and accepts.
    log_in(page, base, owner.email, PASSWORD, dealer.code)
    page.locator("header a.nav-quotes").click()
    listed = page.locator(f"#quote-list tr[data-number='{quote.number}']")
    assert listed.locator("td.revision").inner_text().strip() == "1"
    listed.get_by_role("link", name=quote.number).click()
    assert "Revision 1" in page.locator("#latest-revision h2").inner_text()
    assert "88.00" in page.locator(f"#latest-revision tr[data-sku='{panel.sku}'] .net-unit").inner_text()
    with page.expect_download() as download_info:
        page.locator("#latest-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"{quote.number}-rev1.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")

    page.locator("#accept-quote").click()
    page.locator("#confirm-accept").click()
    page.wait_for_load_state()
    assert page.locator("#order-number").inner_text().strip() == "ORD-FAKE-0001"
    assert Quote.objects.get(pk=quote.pk).status == "ordered" and len(order_maker.calls) == 1
