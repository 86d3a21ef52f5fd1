"""The list's cards without prices are shared by every dealer under the catalog version (catalog.selectors
._page_cards, issue 18): each dealer still sees its own prices on them, and a change to a product shows at once."""
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from catalog.models import Category
from catalog.services import bump_catalog_version
from pricing.testing import PriceListFactory, PriceListItemFactory


@pytest.fixture(autouse=True)
def _no_campaign_windows_kept():
    """No campaign windows left in the process by an earlier test's rolled-back campaigns (the engine would ask for
    campaigns then, one query more than this page needs)."""
    from pricing.engine.context import forget_campaign_windows

    forget_campaign_windows()


@pytest.fixture(autouse=True)
def _large_catalog(monkeypatch):
    """As with more than PRICE_ALL_LIMIT products: the page alone is priced, its cards come from _page_cards."""
    monkeypatch.setattr("catalog.selectors.PRICE_ALL_LIMIT", 0)


@pytest.fixture
def two_dealers_priced(market, dealer, other_dealer):
    """Three products at 100.00 in the market list; the other dealer has a contract at 70.00 for the first."""
    from catalog.testing import ProductFactory

    category = Category.objects.create(name="Shared", slug="shared")
    products = [ProductFactory(category=category, name=f"Shared card {i}", stock_quantity=Decimal(10))
                for i in range(3)]
    for product in products:
        PriceListItemFactory(price_list=market, product=product, unit_price=Decimal("100.00"))
    contract = PriceListFactory(kind="contract", dealer=other_dealer)
    PriceListItemFactory(price_list=contract, product=products[0], unit_price=Decimal("70.00"))
    cache.clear()
    return products


def _card_price(html, product):
    card = html[html.index(f'data-sku="{product.sku}"'):]
    card = card[:card.index("</article>")]
    return card[card.index("<strong>") + len("<strong>"):card.index("</strong>")]


def test_each_dealer_sees_its_own_price_on_the_shared_cards(client, owner, other_owner, two_dealers_priced):
    first = two_dealers_priced[0]
    client.force_login(owner)
    assert _card_price(client.get(reverse("catalog:list")).content.decode(), first) == "100.00 TRY"
    client.force_login(other_owner)  # the same page's cards, now from the shared cache
    assert _card_price(client.get(reverse("catalog:list")).content.decode(), first) == "70.00 TRY"


def test_a_product_change_shows_on_the_next_page(client, owner, two_dealers_priced,
                                                 django_capture_on_commit_callbacks):
    first = two_dealers_priced[0]
    client.force_login(owner)
    assert "Shared card 0" in client.get(reverse("catalog:list"), {"r": "1"}).content.decode()
    type(first).objects.filter(pk=first.pk).update(name="Renamed card")  # as an import writes it
    with django_capture_on_commit_callbacks(execute=True):
        bump_catalog_version()  # what every product write does (on commit)
    html = client.get(reverse("catalog:list"), {"r": "2"}).content.decode()
    assert "Renamed card" in html and "Shared card 0" not in html


@pytest.mark.parametrize("n", [3, 40])
def test_a_page_missing_the_dealers_results_cache_runs_a_fixed_few_queries(client, owner, two_dealers_priced, n,
                                                                           django_assert_num_queries):
    """The miss path dealers feel (issue 18): another page or filter of a list whose cards another visit read. The
    session; the user with its dealer (one query, dealers.backends); the dealer's price rows (no campaign runs, so none
    is asked for: pricing.engine.context.campaign_may_run). The facets, the sidebar, the cards (with the page's ids)
    and their review figures come from the shared cache, whatever the number of products."""
    from catalog.testing import ProductFactory

    category = two_dealers_priced[0].category
    for i in range(n):
        ProductFactory(category=category, name=f"More {i}")
    client.force_login(owner)
    client.get(reverse("catalog:list"), {"r": "warm"})
    with django_assert_num_queries(3):
        response = client.get(reverse("catalog:list"), {"r": "miss"})
    assert response.status_code == 200
    assert response.content.decode().count('class="product-card"') == min(24, n + 3)


def test_cards_from_the_shared_cache_are_the_cards_read_from_the_database(two_dealers_priced):
    """The shared entry holds plain values (not pickled model instances): the cards rebuilt from it carry the same
    loaded fields, thumbnail columns and category path, and nothing more is read from them."""
    from catalog.selectors import _page_cards

    ids = [product.pk for product in reversed(two_dealers_priced)]
    read = _page_cards(ids, "test:shared-cards")
    kept = _page_cards(ids, "test:shared-cards")

    def loaded(card):
        category = card._state.fields_cache["category"]
        return ({k: v for k, v in card.__dict__.items() if k != "_state"}, card._state.adding, card._state.db,
                {k: v for k, v in category.__dict__.items() if k != "_state"}, card.get_deferred_fields())

    assert [card.pk for card in kept] == ids
    assert [loaded(card) for card in kept] == [loaded(card) for card in read]
    assert kept[0].category.path == two_dealers_priced[-1].category.path
