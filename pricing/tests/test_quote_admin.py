"""A quote's admin page: its status and a button per staff move the quote's lifecycle (QUOTE) allows now (start preparing,
send, revise), each through the quote services; readable history captions; amounts with currency."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from pricing.models import QuoteStatus
from pricing.testing import CatalogProductFactory, QuoteFactory, QuoteLineFactory

pytestmark = pytest.mark.django_db


def _change(client, quote):
    return client.get(reverse("admin:pricing_quote_change", args=[quote.pk])).content.decode()


def _moves(page):
    return set(re.findall(r"/move/([a-z_]+)/", page))


def _move_url(quote, name):
    return reverse("admin:pricing_quote_move", args=[quote.pk, name])


def test_a_requested_quote_is_prepared_then_sent_from_its_page(client, admin_user, requested):
    client.force_login(admin_user)
    page = _change(client, requested)
    assert "Current status:" in page and ">Requested<" in page
    assert _moves(page) == {"draft"} and ">Start preparing<" in page

    confirm = client.get(_move_url(requested, "draft")).content.decode()
    assert "Shown to the dealer in the quote&#x27;s history." in confirm
    response = client.post(_move_url(requested, "draft"), {"apply": "1", "note": "Checking stock"}, follow=True)
    assert f"{requested.number} is now “In preparation”." in response.content.decode()
    requested.refresh_from_db()
    assert requested.status == QuoteStatus.DRAFT
    change = requested.status_changes.last()
    assert change.by == admin_user and change.note == "Checking stock"

    page = _change(client, requested)
    assert _moves(page) == {"send"}
    assert "QuoteStatusChange object" not in page
    assert re.search(r"Requested → In preparation · [^<]+ · by Selin Admin", page)
    # Lines: quantities without padding zeros, amounts with separators and the currency.
    assert re.search(r"field-qty[^>]*>\s*<p>3</p>", page) and "3.000" not in page
    assert "300.00 TRY" in page and "100.00 TRY" in page

    response = client.post(_move_url(requested, "send"), {"apply": "1"}, follow=True)
    assert f"{requested.number} is now “Sent”." in response.content.decode()
    requested.refresh_from_db()
    assert requested.status == QuoteStatus.SENT and requested.revision == 1
    page = _change(client, requested)
    assert _moves(page) == {"draft"} and ">Revise (next revision)<" in page
    assert re.search(r"field-gross[^>]*>\s*<p><span[^>]*>[\d,]+\.\d\d TRY</span></p>", page)


def test_a_refused_send_is_an_error_message_and_changes_nothing(client, admin_user):
    quote = QuoteFactory(status=QuoteStatus.DRAFT)
    QuoteLineFactory(quote=quote, product=CatalogProductFactory(sku="NO-PRICE-1"), quantity=Decimal(2),
                     engine_unit_price=None)
    client.force_login(admin_user)
    response = client.post(_move_url(quote, "send"), {"apply": "1"}, follow=True)
    assert response.status_code == 200
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0][0] == "error" and messages[0][1].startswith(f"{quote.number}: ")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT and quote.revision == 0


def test_a_move_the_status_does_not_allow_is_refused(client, admin_user, sent):
    client.force_login(admin_user)
    response = client.post(_move_url(sent, "send"), {"apply": "1"}, follow=True)
    assert "this move is not allowed while it is “Sent”" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == QuoteStatus.SENT and sent.revision == 1
