"""The catalog list caches a dealer's rendered results (catalog/views.py). These tests prove the cache never
shows a stale or another dealer's price: price writes, campaign starts and ends, and dealers in other segments."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.services import refresh_search
from dealers.testing import DealerFactory, DealerUserFactory
from pricing.testing import CampaignFactory, PriceListFactory, PriceListItemFactory

LIST = reverse("catalog:list")


@pytest.fixture
def market_row(product):
    refresh_search(products=[product])
    return PriceListItemFactory(price_list=PriceListFactory(kind="market"), product=product,
                                unit_price=Decimal("100.00"))


def _signed_in(client, dealer):
    client.force_login(DealerUserFactory(dealer=dealer))
    return client


def _card(client):
    html = client.get(LIST).content.decode()
    return html[html.index('id="products"'):]


def test_a_second_visit_is_served_from_the_cache_without_reading_products(client, dealer, market_row):
    _signed_in(client, dealer)
    assert "100.00" in _card(client)
    with CaptureQueriesContext(connection) as queries:
        assert "100.00" in _card(client)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "catalog_product" not in tables and "pricing_" not in tables


def test_a_price_change_shows_at_once(client, dealer, market_row, django_capture_on_commit_callbacks):
    _signed_in(client, dealer)
    assert "100.00" in _card(client)
    with django_capture_on_commit_callbacks(execute=True):
        market_row.unit_price = Decimal("90.00")
        market_row.save()
    cards = _card(client)
    assert "90.00" in cards and "100.00" not in cards


def test_a_new_contract_list_shows_at_once(client, dealer, product, market_row, django_capture_on_commit_callbacks):
    _signed_in(client, dealer)
    assert "100.00" in _card(client)
    with django_capture_on_commit_callbacks(execute=True):
        PriceListItemFactory(price_list=PriceListFactory(kind="contract", dealer=dealer), product=product,
                             unit_price=Decimal("66.00"))
    assert "66.00" in _card(client)


def test_a_campaign_shows_when_it_starts_and_goes_when_it_ends(client, dealer, product, market_row,
                                                                django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        campaign = CampaignFactory(name="Spring", kind="percent", value=Decimal("10"),
                                   starts_at=now + datetime.timedelta(hours=1),
                                   ends_at=now + datetime.timedelta(hours=3))
        campaign.products.add(product)
    _signed_in(client, dealer)
    with time_machine.travel(now, tick=False):
        cards = _card(client)
        assert "100.00" in cards and "Spring" not in cards
    with time_machine.travel(now + datetime.timedelta(hours=2), tick=False):
        cards = _card(client)
        assert "90.00" in cards and "Spring" in cards
    with time_machine.travel(now + datetime.timedelta(hours=4), tick=False):
        cards = _card(client)
        assert "100.00" in cards and "Spring" not in cards


def test_a_dealer_never_gets_another_dealers_cached_prices(client, dealer, silver, product, market_row):
    PriceListItemFactory(price_list=PriceListFactory(kind="contract", dealer=dealer), product=product,
                         unit_price=Decimal("61.50"))
    _signed_in(client, dealer)
    assert "61.50" in _card(client)
    client.logout()
    _signed_in(client, DealerFactory(segment=silver))
    cards = _card(client)
    assert "100.00" in cards and "61.50" not in cards
