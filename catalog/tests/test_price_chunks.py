"""A price sort or filter over more products than one chunk prices them a chunk at a time (a worker never holds
every priced line of a 100,000-product catalog at once) and gives the same page as pricing them all at once."""
from decimal import Decimal

import pytest

from catalog import selectors
from catalog.testing import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

PRICES = {"A": "30.00", "B": "10.00", "C": "20.00", "D": "50.00", "E": "5.00", "F": None, "G": "25.00"}


@pytest.fixture
def catalog(fake_prices):
    category = CategoryFactory()
    for i, (sku, price) in enumerate(PRICES.items()):
        product = ProductFactory(category=category, sku=sku, name=f"Item {i}")
        if price:
            fake_prices.set(product, price, market_price="60.00", campaign="Spring" if sku in "CG" else None)
    return category


@pytest.fixture
def asked(monkeypatch):
    """How many products each price question of the list asked for."""
    sizes = []
    original = selectors.prices_for

    def counting(*, actor, products, **kwargs):
        products = list(products)
        sizes.append(len(products))
        return original(actor=actor, products=products, **kwargs)

    monkeypatch.setattr(selectors, "prices_for", counting)
    return sizes


def _page(actor, **kwargs):
    kwargs.setdefault("filters", {})
    page, facets, total = selectors.search_products(actor=actor, per_page=3, **kwargs)
    return [p.sku for p in page.object_list], [p.price for p in page.object_list], facets, total


@pytest.mark.parametrize("kwargs", [
    {"sort": "price"}, {"sort": "price_desc", "page": 2}, {"sort": "price", "page": 3},
    {"sort": "name", "filters": {"price_min": Decimal(10), "price_max": Decimal(30)}},
    {"sort": "price", "filters": {"on_campaign": True}},
])
def test_chunked_pricing_gives_the_same_page_as_pricing_all_at_once(actor, catalog, monkeypatch, asked, kwargs):
    whole = _page(actor, **kwargs)
    assert asked == [len(PRICES)]
    asked.clear()
    monkeypatch.setattr(selectors, "PRICE_CHUNK", 2)
    chunked = _page(actor, **kwargs)
    assert max(asked[:-1]) <= 2 and sum(asked[:-1]) == len(PRICES)  # the whole set, two at a time
    assert asked[-1] == len(chunked[0])                               # then the page's cards, in full
    assert chunked[0] == whole[0] and chunked[3] == whole[3]
    assert (chunked[2].price_range, chunked[2].on_campaign) == (whole[2].price_range, whole[2].on_campaign)
    # The cards carry their whole price (rules, breaks, campaign), not only what the sort needed.
    assert [(p.unit_price, p.rules, p.breaks, p.campaign and p.campaign.name) if p else None for p in chunked[1]] == [
        (p.unit_price, p.rules, p.breaks, p.campaign and p.campaign.name) if p else None for p in whole[1]]


def test_the_price_sort_over_many_chunks_orders_every_product(actor, catalog, monkeypatch):
    monkeypatch.setattr(selectors, "PRICE_CHUNK", 3)
    pages = [_page(actor, sort="price", page=n)[0] for n in (1, 2, 3)]
    assert pages == [["E", "B", "C"], ["G", "A", "D"], ["F"]]  # unpriced last
