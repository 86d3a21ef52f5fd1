"""Every cached fragment is keyed by what its content depends on: a fragment with translated text by the language,
one with prices by the dealer's price context. Each test fills the cache one way and reads it another.

The cached things (grep cache.get / cache.set / get_or_set / {% cache %}):
- catalog:facets (catalog/selectors.py): counts and labels ("yes" / "no"): language; no prices, no dealer.
- catalog:results (catalog/views.py): the rendered list: language, user, dealer and its price context.
- catalog_tree (catalog/results.py, under the key {% cache %} gave it): category names and links: language; kept in
  each process too (catalog.results._TREES, portal.cache.KeptValues: the key holds the catalog version).
- catalog:facets:…:cards:v2 (catalog/selectors.py _page_cards): a page's product rows without prices (plain values),
  shared by every dealer (catalog/tests/test_shared_cards.py: each dealer still reads its own price on them); under
  the facets' key; kept in each process too (catalog.selectors._SHARED_CARDS, KeptValues).
- feedback:ratings:v2 (feedback/views/display.py): review counts per star of a page's products: numbers only; kept in
  each process too (_KEPT_RATINGS, KeptValues).
- feedback dashboard figures (feedback/reports.py, {% cache %} in feedback/dashboard.html): language and time zone.
- orders:cart-count: a number per user and dealer (an agent has one per dealer it acts for).
- Kept in each process, not in the shared cache (bounded, nothing per user): catalog.cards._STOCK_PARTS (a card's
  availability badge: language, display mode and the product's stock fields) and portal_tags._KEPT (the header's
  links, templates/includes/nav.html: language, URL prefix and conf, actor profile; no cart count, no CSRF token;
  portal/tests/test_kept_nav.py) and the page chrome of base.html ({% kept %}: language, URL prefix and conf, the
  settings shown; no CSRF token, user or path; portal/tests/test_kept_base.py); catalog.cards._ROW_PARTS (a dense
  row without its price: language, display mode, URL prefix and the product's fields; catalog/tests/
  test_card_parts.py); catalog.results._LABELS (the list's fixed labels: language);
  shipping.views.shipments._filters_of (the shipments page's filters and their fields' HTML: language and the filter
  values; no dealer, no CSRF token) and support.views.desk._desk_filters_of
  (the desk queue's filters and their fields' HTML: desk version, language and the filter values; teams and agents
  are the same for every agent); shipping.selectors._PAGE_SQL (the shipments page's compiled SQL per combination of
  filters, without values); catalog.cards._CARD_PARTS (a card's head and add form without the reader's campaign
  badge, stars and price: language, display mode, add URL, URL prefix and the product's fields it shows);
  feedback.views.display._CARD_HTML (a card's stars: language, URL prefix, SKU, average and count); the user menu
  and the header's cart links (portal_tags.user_menu, orders_tags.nav_cart_links, in portal_tags._KEPT: language,
  URL prefix and conf, staff or not, the count; the name and the CSRF token are put in per request);
  portal.compiled.CompiledQuery (SQL without values) and pricing.engine.context._windows_memo (the active
  campaigns' windows under the newest catalog version: moments only).
- support:desk:version, support:desk:counts:<version>:<user> (numbers) and support:desk:rows:<version>:<hash> (the
  desk's rendered rows: queue, filters, page, language, time zone, the user for "mine"; staff only).
- catalog:version, pricing:campaign-windows:<version>, dealers:current-terms, catalog:import:<job>, the offline card provider's
  state and orders:cart-owner hold no translated text and no prices (an import job's report is written in the
  language of the person who started it, for that person).
"""
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from catalog.models import Attribute, Category
from catalog.selectors import search_products
from catalog.testing import AttributeFactory, CategoryFactory, ProductAttributeFactory, ProductFactory
from dealers.testing import AgentFactory, DealerFactory, DealerUserFactory
from portal.actors import Actor
from pricing.testing import PriceListFactory, PriceListItemFactory

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:list")


@pytest.fixture
def dimmable():
    """Two products, one dimmable and one not: a yes / no facet."""
    attribute = AttributeFactory(code="dimmable", name="Dimmable", kind=Attribute.Kind.BOOLEAN, filterable=True)
    category = CategoryFactory(name="Lighting", slug="lighting")
    for flag in (True, False):
        ProductAttributeFactory(product=ProductFactory(category=category), attribute=attribute, value_bool=flag)
    return attribute


def _labels(actor):
    page, facets, total = search_products(actor=actor, filters={})
    return [value.label for facet in facets.attributes for value in facet.values]


def test_facet_labels_filled_in_english_are_not_served_to_a_turkish_reader(dimmable):
    owner = DealerUserFactory()
    actor = Actor(user=owner, dealer=owner.dealer)
    with translation.override("en"):
        assert _labels(actor) == ["no", "yes"]
    with translation.override("tr"):
        assert _labels(actor) == ["evet", "hayır"]
    with translation.override("en"):
        assert _labels(actor) == ["no", "yes"]  # still the English entry


def _page(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(LIST).content.decode()


def test_the_catalog_results_filled_in_english_show_turkish_facets_to_a_turkish_reader(client, dimmable):
    client.force_login(DealerUserFactory())
    english = _page(client, "en")
    assert ">Filter<" in english and "evet" not in english
    turkish = _page(client, "tr")
    assert ">Filtre<" in turkish and ">Filter<" not in turkish
    assert "evet" in turkish and "hayır" in turkish


def test_the_catalog_results_of_one_dealer_are_not_served_to_another(client):
    product = ProductFactory(sku="LED-600")
    market = PriceListFactory(kind="market")
    PriceListItemFactory(price_list=market, product=product, unit_price=Decimal("100.00"))
    favoured = DealerFactory()
    PriceListItemFactory(price_list=PriceListFactory(kind="contract", dealer=favoured), product=product,
                         unit_price=Decimal("61.50"))
    client.force_login(DealerUserFactory(dealer=favoured))
    assert "61.50" in _page(client, "en")
    client.force_login(DealerUserFactory(dealer=DealerFactory()))
    cards = _page(client, "en")
    assert "100.00" in cards and "61.50" not in cards


def test_the_category_tree_fragment_is_kept_per_language(client):
    category = CategoryFactory(name="Cables", slug="cables")
    ProductFactory(category=category)
    client.force_login(DealerUserFactory())
    assert "Cables" in _page(client, "en")
    # A rename that bypasses the catalog version (a raw update): only a fragment already cached keeps the old name.
    Category.objects.filter(pk=category.pk).update(name="Kablolar")
    assert "Kablolar" in _page(client, "tr")  # the Turkish fragment is its own
    assert "Cables" in _page(client, "en")  # the English one is still the cached one


def test_the_cart_count_is_kept_per_dealer_an_agent_acts_for():
    from orders import selectors, services

    first, second = DealerFactory(), DealerFactory()
    agent = AgentFactory(dealers=[first, second])
    product = ProductFactory()
    PriceListItemFactory(price_list=PriceListFactory(kind="market"), product=product, unit_price=Decimal("10.00"))
    for_first = Actor(user=agent, dealer=first, on_behalf=True)
    for_second = Actor(user=agent, dealer=second, on_behalf=True)
    assert selectors.count_cart_lines(actor=for_first) == 0
    services.add_lines_to_cart(actor=for_first, lines=[(product, 1)])
    assert selectors.count_cart_lines(actor=for_first) == 1
    assert selectors.count_cart_lines(actor=for_second) == 0
