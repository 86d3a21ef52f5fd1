"""Quotes and stock (catalog.availability): the editor warns the agent before sending a quote whose lines cannot be
delivered; the dealer reads it before "Accept and order"; acceptance refuses it with the reason, ordering nothing."""
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.errors import OutOfStock
from pricing import services

from .quote_fixtures import actor_of
from .test_quotes_views import editor_post

pytestmark = pytest.mark.django_db


def url(name, quote):
    return reverse(f"quotes:{name}", args=[quote.number])


def run_out(product, stock="0"):
    product.stock_quantity = Decimal(stock)
    product.allow_backorder = False
    product.save()


def test_editor_warns_before_sending_and_sends_only_when_told_to(client, agent, requested, panel):
    run_out(panel, "2")  # 3 panels asked, 2 left
    client.force_login(agent)
    html = client.get(url("edit", requested)).content.decode()
    assert 'id="stock-warning"' in html and "Only 2 pieces can be delivered." in html
    assert "1 line cannot be delivered as quoted" in html
    response = client.post(url("edit", requested), editor_post(requested, action="send"), follow=True)
    requested.refresh_from_db()
    assert requested.status != "sent" and requested.revision == 0
    assert "Saved, but not sent: Q-LED-600: Only 2 pieces can be delivered." in response.content.decode()
    client.post(url("edit", requested), {**editor_post(requested, action="send"), "send_anyway": "1"})
    requested.refresh_from_db()
    assert requested.status == "sent" and requested.revision == 1


def test_dealer_reads_why_before_accepting_and_acceptance_orders_nothing(client, owner, sent, panel, order_maker):
    run_out(panel)
    client.force_login(owner)
    html = client.get(url("detail", sent)).content.decode()
    assert 'id="quote-stock-warning"' in html and "Not available." in html and 'id="accept-quote"' not in html
    html = client.get(url("accept", sent)).content.decode()
    assert 'id="confirm-accept" disabled' in html
    with pytest.raises(OutOfStock) as refused:
        services.accept_quote(actor=actor_of(owner), quote=sent)
    assert "Q-LED-600: Not available." in str(refused.value.message)
    assert order_maker.calls == []
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_a_deliverable_quote_shows_no_warning(client, owner, sent):
    client.force_login(owner)
    html = client.get(url("detail", sent)).content.decode()
    assert 'id="quote-stock-warning"' not in html and 'id="accept-quote"' in html
