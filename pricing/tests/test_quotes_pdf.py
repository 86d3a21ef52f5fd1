"""The quote PDF end to end: sending asks for it, a real Celery worker renders it with WeasyPrint from the revision's
snapshot, and its text carries the number, revision, dealer, Turkish and Chinese product names and the totals. A
second revision gets its own PDF; the first stays as it was, downloadable by the dealer only."""
import io
import re

import pytest
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from portal.models import Document
from portal.testing import wait_until
from pricing import services
from pricing.services.quotes import QuoteLineInput

from .quote_fixtures import CHINESE_NAME, TURKISH_NAME, actor_of, send

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def pdf_text(document) -> str:
    with document.file.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeezed(text) -> str:
    return re.sub(r"\s+", "", text)


def wait_ready(document):
    wait_until(lambda: Document.objects.get(pk=document.pk).status != Document.Status.PENDING, 90, "the quote PDF")
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.last_error
    return document


def test_worker_renders_each_revision_with_names_in_every_script_and_the_totals(
        celery_worker, client, owner, other_owner, agent, panel, turkish, chinese):
    with transaction.atomic():
        quote = services.request_quote(actor=actor_of(owner), lines=[(panel, 3), (chinese, 7), (turkish, 15)])
    lines = [QuoteLineInput(panel, 3, discount_percent="12.5"), QuoteLineInput(chinese, 7, unit_price="41.55"),
             QuoteLineInput(turkish, 15)]
    quote = send(agent, quote, lines=lines, terms="24 months warranty, on-site support")
    first = wait_ready(quote.revisions.get(number=1).document)
    text = pdf_text(first)
    flat = squeezed(text)
    assert quote.number in text
    assert "Revision 1" in text
    assert squeezed(quote.dealer.legal_name) in flat
    assert squeezed(TURKISH_NAME) in flat, text
    assert squeezed(CHINESE_NAME) in flat, text
    for amount in ("740.85", "148.17", "889.02", "87.50", "41.55", "12.50 %"):
        assert squeezed(amount) in flat, amount
    assert "24 months warranty" in text and "How to accept" in text
    assert squeezed(f"/quotes/{quote.number}/") in flat

    # Revision 2: its own PDF; revision 1's file and figures stay as they were.
    quote = send(agent, quote, lines=[QuoteLineInput(panel, 3, unit_price="80.00"), *lines[1:]])
    second = wait_ready(quote.revisions.get(number=2).document)
    assert second.pk != first.pk and "Revision 2" in pdf_text(second)
    assert "889.02" in squeezed(pdf_text(Document.objects.get(pk=first.pk)))

    # Downloads: the dealer's users get both revisions; another dealer gets 404.
    client.force_login(owner)
    for number in (1, 2):
        response = client.get(reverse("quotes:revision_pdf", args=[quote.number, number]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(other_owner)
    assert client.get(reverse("quotes:revision_pdf", args=[quote.number, 1])).status_code == 404
