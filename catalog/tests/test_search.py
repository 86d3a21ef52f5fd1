"""Product search: Turkish folding, partial SKUs, typos, filters, facet counts, sorting, prices, query counts."""
from decimal import Decimal

import pytest

from catalog.models import Attribute
from catalog.selectors import search_products
from catalog.testing import AttributeFactory, CategoryFactory, ProductAttributeFactory, ProductFactory
from portal.actors import Actor

pytestmark = pytest.mark.django_db


def skus(page):
    return [p.sku for p in page.object_list]


def search(actor, **kwargs):
    kwargs.setdefault("filters", {})
    return search_products(actor=actor, **kwargs)


@pytest.fixture
def products(db):
    category = CategoryFactory()
    return {
        "celik": ProductFactory(sku="DB-100", name="ÇELİK Dübel 8 mm", category=category),
        "isik": ProductFactory(sku="LD-200", name="IŞIK LED Panel 60x60", category=category),
        "sku": ProductFactory(sku="AB-1234", name="Sigorta 16A", category=category),
        "kablo": ProductFactory(sku="KB-300", name="NYM kablo 3x2.5", category=category),
    }


@pytest.mark.parametrize("query,key", [("çelik", "celik"), ("ışık", "isik"), ("AB-12", "sku"), ("kabllo", "kablo"),
                                       ("CELIK", "celik"), ("isik", "isik")])
def test_search_finds_turkish_partial_sku_and_typos(actor, products, query, key):
    page, facets, total = search(actor, query=query)
    assert products[key].sku in skus(page)
    assert skus(page)[0] == products[key].sku


def test_search_does_not_return_unrelated_products(actor, products):
    page, _, total = search(actor, query="sigorta")
    assert skus(page) == ["AB-1234"] and total == 1


def test_inactive_products_and_inactive_categories_are_hidden(actor, products):
    ProductFactory(name="Çelik gizli", active=False)
    ProductFactory(name="Çelik kapalı kategori", category=CategoryFactory(active=False))
    page, _, total = search(actor, query="çelik")
    assert skus(page) == ["DB-100"] and total == 1


def test_category_filter_takes_the_whole_subtree_and_facets_show_children(actor):
    root = CategoryFactory(name="Elektrik")
    cables = CategoryFactory(name="Kablolar", parent=root)
    nym = CategoryFactory(name="NYM", parent=cables)
    fuses = CategoryFactory(name="Sigortalar", parent=root)
    other = CategoryFactory(name="Tesisat")
    ProductFactory(category=nym, sku="N-1")
    ProductFactory(category=cables, sku="C-1")
    ProductFactory(category=fuses, sku="F-1")
    ProductFactory(category=other, sku="O-1")
    page, facets, total = search(actor, category=root)
    assert sorted(skus(page)) == ["C-1", "F-1", "N-1"] and total == 3
    assert [(c.name, n) for c, n in facets.categories] == [("Kablolar", 2), ("Sigortalar", 1)]
    page, facets, total = search(actor)
    assert {c.name: n for c, n in facets.categories} == {"Elektrik": 3, "Tesisat": 1}


def test_attribute_filters_and_facet_counts(actor):
    category = CategoryFactory()
    colour = AttributeFactory(code="colour", name="Colour")
    power = AttributeFactory(code="power", name="Power", kind=Attribute.Kind.NUMBER, unit="W")
    hidden = AttributeFactory(code="internal", name="Internal", filterable=False)
    for sku, col, watt in [("P-1", "White", 10), ("P-2", "White", 20), ("P-3", "Black", 20), ("P-4", "Grey", 40)]:
        product = ProductFactory(category=category, sku=sku)
        ProductAttributeFactory(product=product, attribute=colour, value_text=col)
        ProductAttributeFactory(product=product, attribute=power, value_number=Decimal(watt))
        ProductAttributeFactory(product=product, attribute=hidden, value_text="x")

    page, facets, total = search(actor, filters={"attrs": {"colour": ["White"]}})
    assert sorted(skus(page)) == ["P-1", "P-2"] and total == 2
    by_code = {f.attribute.code: {v.value: (v.count, v.selected) for v in f.values} for f in facets.attributes}
    assert "internal" not in by_code
    # The colour facet ignores its own selection, so other colours can be added; power counts the white ones.
    assert by_code["colour"] == {"Black": (1, False), "Grey": (1, False), "White": (2, True)}
    assert by_code["power"] == {"10": (1, False), "20": (1, False)}

    page, facets, total = search(actor, filters={"attrs": {"colour": ["White", "Black"], "power": ["20"]}})
    assert sorted(skus(page)) == ["P-2", "P-3"]
    by_code = {f.attribute.code: {v.value: v.count for v in f.values} for f in facets.attributes}
    assert by_code["colour"] == {"White": 1, "Black": 1}
    assert by_code["power"] == {"10": 1, "20": 2}


def test_unknown_attribute_or_bad_value_is_ignored(actor, products):
    AttributeFactory(code="power", kind=Attribute.Kind.NUMBER)
    page, _, total = search(actor, filters={"attrs": {"nope": ["x"], "power": ["abc"]}})
    assert total == 4


def test_in_stock_filter_and_count(actor):
    category = CategoryFactory()
    ProductFactory(category=category, sku="S-1", stock_quantity=5)
    ProductFactory(category=category, sku="S-2", stock_quantity=0)
    page, facets, total = search(actor, filters={"in_stock": True})
    assert skus(page) == ["S-1"] and total == 1 and facets.in_stock == 1
    page, facets, total = search(actor)
    assert total == 2 and facets.in_stock == 1


def test_sorting_by_name_newest_and_price(actor, fake_prices):
    category = CategoryFactory()
    b = ProductFactory(category=category, sku="B", name="Bravo")
    a = ProductFactory(category=category, sku="A", name="Alfa")
    c = ProductFactory(category=category, sku="C", name="Charlie")
    fake_prices.set(a, "30.00")
    fake_prices.set(b, "10.00")
    fake_prices.set(c, "20.00")
    assert skus(search(actor, sort="name")[0]) == ["A", "B", "C"]
    assert skus(search(actor, sort="newest")[0]) == ["C", "A", "B"]
    assert skus(search(actor, sort="price")[0]) == ["B", "C", "A"]
    assert skus(search(actor, sort="price_desc")[0]) == ["A", "C", "B"]


def test_relevance_puts_the_name_match_first(actor):
    category = CategoryFactory()
    ProductFactory(category=category, sku="X-1", name="Vida", short_description="kablo ile kullanılır")
    ProductFactory(category=category, sku="X-2", name="Kablo NYM")
    assert skus(search(actor, query="kablo", sort="relevance")[0])[0] == "X-2"


def test_price_range_and_campaign_filters_use_the_dealers_prices(actor, fake_prices):
    category = CategoryFactory()
    cheap = ProductFactory(category=category, sku="CHEAP")
    mid = ProductFactory(category=category, sku="MID")
    dear = ProductFactory(category=category, sku="DEAR")
    ProductFactory(category=category, sku="NOPRICE")
    fake_prices.set(cheap, "5.00")
    fake_prices.set(mid, "50.00", campaign="Spring")
    fake_prices.set(dear, "500.00")
    page, facets, total = search(actor, filters={"price_min": Decimal(10), "price_max": Decimal(100)})
    assert skus(page) == ["MID"] and total == 1
    page, facets, total = search(actor, filters={"on_campaign": True})
    assert skus(page) == ["MID"] and facets.on_campaign == 1 and facets.prices_available
    page, facets, total = search(actor)
    assert facets.on_campaign == 1 and facets.price_range == (Decimal("5.00"), Decimal("500.00"))
    assert {p.sku: p.price.unit_price if p.price else None for p in page.object_list} == {
        "CHEAP": Decimal("5.00"), "MID": Decimal("50.00"), "DEAR": Decimal("500.00"), "NOPRICE": None}


def test_without_prices_the_price_filters_are_hidden(actor, no_prices, products):
    page, facets, total = search(actor)
    assert not facets.prices_available and facets.on_campaign is None and total == 4
    assert all(p.price is None for p in page.object_list)


def test_staff_without_a_dealer_gets_no_prices(fake_prices, products):
    from dealers.testing import StaffFactory

    fake_prices.set(products["kablo"], "1.00")
    page, facets, _ = search(Actor(user=StaffFactory()))
    assert fake_prices.calls == 0 and not facets.prices_available


def test_pagination(actor):
    category = CategoryFactory()
    for i in range(30):
        ProductFactory(category=category, sku=f"P-{i:02d}", name=f"Product {i:02d}")
    page, _, total = search(actor, page=2, per_page=24)
    assert total == 30 and len(page.object_list) == 6 and page.number == 2
    page, _, _ = search(actor, page="999", per_page=24)
    assert page.number == 2


def _catalog(n, fake_prices):
    colour = AttributeFactory(code="colour")
    category = CategoryFactory(parent=CategoryFactory())
    for i in range(n):
        product = ProductFactory(category=category, name=f"Kablo {i}")
        ProductAttributeFactory(product=product, attribute=colour, value_text=f"C{i % 3}")
        fake_prices.set(product, "10.00", campaign="X" if i % 2 else None)
    return category


@pytest.mark.parametrize("n", [1, 50])
def test_search_runs_a_fixed_number_of_queries(actor, fake_prices, django_assert_max_num_queries, n):
    category = _catalog(n, fake_prices)
    with django_assert_max_num_queries(8):
        page, _, total = search(actor, query="kablo", category=category.parent,
                                filters={"attrs": {"colour": ["C0", "C1"]}, "in_stock": True, "on_campaign": True},
                                sort="price")
    assert total == len([i for i in range(n) if i % 2 and i % 3 in (0, 1)])
    with django_assert_max_num_queries(8):
        page, _, total = search(actor)
    assert total == n and len(page.object_list) == min(n, 24)


def test_a_code_query_does_not_fuzzy_match_other_codes(actor):
    category = CategoryFactory()
    ProductFactory(category=category, sku="AB-001234", name="Alpha")
    ProductFactory(category=category, sku="AB-001299", name="Beta")
    page, _, total = search(actor, query="AB-00123")
    assert skus(page) == ["AB-001234"] and total == 1


def test_cached_facet_counts_follow_a_product_change(actor, django_capture_on_commit_callbacks):
    """Facet counts are cached per catalog version; saving a product through the service bumps it."""
    from catalog.services import save_product

    category = CategoryFactory()
    ProductFactory(category=category, stock_quantity=Decimal("5"))
    assert search_products(actor=actor)[1].in_stock == 1
    new = ProductFactory.build(category=category, stock_quantity=Decimal("3"), sku="NEW-1", barcode="")
    with django_capture_on_commit_callbacks(execute=True):
        save_product(product=new)
    assert search_products(actor=actor)[1].in_stock == 2


@pytest.mark.parametrize("write", ["delete", "attribute", "category"])
def test_cached_facet_counts_follow_writes_outside_the_services(write, actor, django_capture_on_commit_callbacks):
    """Admin deletes, inline edits and shell writes bump the catalog version too (signals), so no count is stale."""
    category = CategoryFactory()
    product = ProductFactory(category=category, stock_quantity=Decimal("5"))
    ProductFactory(category=category, stock_quantity=Decimal("5"))
    before = search_products(actor=actor)[1]
    with django_capture_on_commit_callbacks(execute=True):
        if write == "delete":
            product.delete()
        elif write == "attribute":
            ProductAttributeFactory(product=product, attribute=AttributeFactory(code="ip", filterable=True,
                                                                                kind=Attribute.Kind.TEXT),
                                    value_text="IP65")
        else:
            category.active = False
            category.save()
    after = search_products(actor=actor)[1]
    if write == "delete":
        assert (before.in_stock, after.in_stock) == (2, 1)
    elif write == "attribute":
        assert not before.attributes and [v.label for f in after.attributes for v in f.values] == ["IP65"]
    else:
        assert before.in_stock == 2 and after.in_stock == 0


@pytest.mark.parametrize("sku", ["ABC-1", "a b%c", "Ç-ŞİĞ", "x:y@z", "10,5;3"])
def test_product_links_equal_reverse(sku):
    from django.urls import reverse

    from catalog.search import product_url

    assert product_url(sku) == reverse("catalog:product", args=[sku])


@pytest.mark.parametrize("slug", ["kablolar", "led-aydinlatma", "grup_2-1", "A1"])
def test_category_links_equal_reverse(slug):
    from django.urls import reverse

    from catalog.search import category_url

    assert category_url(slug) == reverse("catalog:category", args=[slug])


@pytest.mark.parametrize("query", ["prjektör", "projektr", "PROJEKTÖR", "projektor", "led prjektör"])
def test_a_missing_letter_inside_a_turkish_word_still_finds_the_product(actor, query):
    """A buyer who drops a letter ("prjektör") finds the projector first, as "kablolr" finds cables."""
    category = CategoryFactory()
    ProductFactory(category=category, sku="PR-050", name="LED Projektör 50W")
    ProductFactory(category=category, sku="PN-060", name="LED Panel 60x60")
    ProductFactory(category=category, sku="KB-300", name="NYM kablo 3x2.5")
    page, _, total = search(actor, query=query)
    assert skus(page)[0] == "PR-050"
    assert "KB-300" not in skus(page)


def test_a_missing_letter_does_not_bring_unrelated_words(actor):
    category = CategoryFactory()
    ProductFactory(category=category, sku="PR-050", name="LED Projektör 50W")
    ProductFactory(category=category, sku="PT-010", name="Priz topraklı")
    ProductFactory(category=category, sku="KB-300", name="NYM kablo 3x2.5")
    assert skus(search(actor, query="prjektör")[0]) == ["PR-050"]
    assert skus(search(actor, query="kablolr")[0]) == ["KB-300"]


# --- Bounded search: at most search.SEARCH_CANDIDATES matches are counted, faceted and ranked ----------------------

@pytest.fixture
def few_candidates(monkeypatch):
    """A candidate limit of 5, so a handful of products stands for a word every product contains."""
    monkeypatch.setattr("catalog.search.SEARCH_CANDIDATES", 5)
    return 5


def _many_cables(category):
    """Three cables by name and six screws that only mention cables in their description (the weaker matches)."""
    names = [ProductFactory(category=category, sku=f"KB-{i}", name=f"Kablo kanalı {i}") for i in range(3)]
    for i in range(6):
        ProductFactory(category=category, sku=f"VD-{i}", name=f"Vida {i}", short_description="kablo ile kullanılır")
    return [p.sku for p in names]


def test_a_search_matching_more_than_it_ranks_keeps_the_closest_and_says_more_than(actor, few_candidates):
    cables = _many_cables(CategoryFactory())
    page, facets, total = search(actor, query="kablo")
    assert facets.more_than == few_candidates and total == few_candidates
    assert sorted(skus(page)[:3]) == sorted(cables)  # the names first, then two of the descriptions


def test_a_misspelt_word_matching_more_than_the_limit_is_bounded_too(actor, few_candidates):
    category = CategoryFactory()
    for i in range(7):
        ProductFactory(category=category, sku=f"KB-{i}", name=f"Kablo kanalı {i}")
    ProductFactory(category=category, sku="VD-1", name="Vida")
    page, facets, total = search(actor, query="kabllo")
    assert facets.more_than == few_candidates and len(skus(page)) == few_candidates
    assert all(sku.startswith("KB-") for sku in skus(page))


def test_a_search_matching_no_more_than_the_limit_counts_exactly(actor, few_candidates):
    _many_cables(CategoryFactory())
    page, facets, total = search(actor, query="kanalı")
    assert facets.more_than is None and total == 3 and facets.in_stock == 3


def test_filters_on_a_large_search_still_find_matches_beyond_the_closest(actor, few_candidates):
    colour = AttributeFactory(code="colour")
    category = CategoryFactory()
    _many_cables(category)
    red = ProductFactory(category=category, sku="VD-RED", name="Vida kırmızı", short_description="kablo için")
    ProductAttributeFactory(product=red, attribute=colour, value_text="Red")
    page, facets, total = search(actor, query="kablo", filters={"attrs": {"colour": ["Red"]}})
    assert skus(page) == ["VD-RED"] and total == 1 and facets.more_than is None
    # The colour's other values were counted over the closest matches only: shown without a count.
    assert [(v.value, v.count) for f in facets.attributes for v in f.values] == [("Red", None)]


def test_the_page_says_more_than_and_shows_no_counts_it_did_not_make(signed_in, few_candidates):
    _many_cables(CategoryFactory(name="Elektrik"))
    html = signed_in.get("/catalog/", {"q": "kablo"}).content.decode()
    assert "More than 5 products" in html
    assert '<span class="count">' not in html
    html = signed_in.get("/catalog/", {"q": "kanalı"}).content.decode()
    assert "3 products" in html and "More than" not in html and '<span class="count">(3)</span>' in html


def test_a_large_search_runs_a_fixed_number_of_queries(actor, fake_prices, few_candidates,
                                                       django_assert_max_num_queries):
    """One bounded query finds the candidates (it stops after SCAN_FACTOR × the limit + 1 matches), then the page as
    for any search, less the counting query (a capped search's total is its candidates); with attribute filters on
    a large search, the filtered set has its own candidates (one more)."""
    category = _catalog(12, fake_prices)
    with django_assert_max_num_queries(7):
        page, facets, total = search(actor, query="kablo", category=category.parent)
    assert facets.more_than == 5 and len(page.object_list) == 5
    with django_assert_max_num_queries(9):
        page, facets, total = search(actor, query="kablo", filters={"attrs": {"colour": ["C0"]}}, sort="price")
    assert total == 4 and facets.more_than is None  # 4 of the 12 are C0: fewer than the limit, all found


def test_the_api_says_when_a_search_matched_more_than_it_lists(session_api_client, owner, few_candidates):
    """An integration reading `count` must know it is the closest ones, not all matches (issue 18)."""
    _many_cables(CategoryFactory())
    client = session_api_client(owner)
    capped = client.get("/api/v1/products/", {"q": "kablo"}).json()
    assert capped["count"] == few_candidates and capped["more"] is True
    exact = client.get("/api/v1/products/", {"q": "kanalı"}).json()
    assert exact["count"] == 3 and exact["more"] is False
