"""The catalog's dense list (an order pad): SKU, name, unit, availability, price and a quantity field per row, 50 or
100 rows a page, the chosen view remembered, the results cache keyed by view and rows per page."""
import re

import pytest
from django.urls import reverse

from catalog.testing import CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:list")


def _fill(n, fake_prices, category=None):
    category = category or CategoryFactory()
    products = []
    for i in range(n):
        product = ProductFactory(category=category, name=f"Panel {i:03d}", sku=f"PN-{i:03d}", stock_quantity=500)
        ProductImageFactory(product=product)
        fake_prices.set(product, "10.00")
        products.append(product)
    return products


def rows(html):
    return re.findall(r'<tr data-sku="([^"]+)"', html)


def view_of(html):
    return re.search(r'<a href="[^"]*" data-view="(\w+)" aria-current="true"', html).group(1)


def test_dense_list_shows_50_rows_with_sku_availability_price_and_a_quantity_field(signed_in, fake_prices):
    products = _fill(60, fake_prices)
    html = signed_in.get(LIST, {"view": "dense"}).content.decode()
    assert rows(html) == [p.sku for p in products[:50]]
    assert 'id="dense-list"' in html and "10.00 TRY" in html and 'data-availability="in_stock"' in html
    assert f'name="q-{products[0].pk}" form="dense-form"' in html
    assert 'id="dense-form"' in html and reverse("orders:cart_add_many") in html
    html = signed_in.get(LIST, {"view": "dense", "per_page": "100"}).content.decode()
    assert len(rows(html)) == 60


def test_per_page_accepts_only_its_choices(signed_in, fake_prices):
    _fill(60, fake_prices)
    for bad in ("7", "100000", "-1", "abc"):
        response = signed_in.get(LIST, {"view": "dense", "per_page": bad})
        assert response.status_code == 200 and len(rows(response.content.decode())) == 50
    # A control character is refused at the edge (portal.middleware.ControlCharacterMiddleware), never a 500.
    assert signed_in.get(LIST, {"view": "dense", "per_page": "50\x00"}).status_code == 400


def test_the_chosen_view_and_rows_per_page_come_back_on_the_next_visit(signed_in, fake_prices):
    _fill(60, fake_prices)
    assert view_of(signed_in.get(LIST).content.decode()) == "list"
    signed_in.get(LIST, {"view": "dense", "per_page": "100"})
    html = signed_in.get(LIST).content.decode()
    assert view_of(html) == "dense" and len(rows(html)) == 60
    signed_in.get(LIST, {"view": "grid"})
    html = signed_in.get(LIST).content.decode()
    assert view_of(html) == "grid" and 'class="products grid"' in html
    signed_in.cookies["catalog_view"] = "nonsense"
    assert view_of(signed_in.get(LIST).content.decode()) == "list"


def test_the_results_cache_keeps_views_and_page_sizes_apart(signed_in, fake_prices):
    _fill(60, fake_prices)
    assert 'class="products list"' in signed_in.get(LIST).content.decode()  # cached for the plain URL
    signed_in.cookies["catalog_view"] = "dense"
    html = signed_in.get(LIST).content.decode()  # the same URL, another view
    assert 'id="dense-list"' in html and len(rows(html)) == 50
    signed_in.cookies["catalog_per_page"] = "100"
    assert len(rows(signed_in.get(LIST).content.decode())) == 60


def test_the_bulk_form_posts_with_the_csrf_token_of_the_page_after_a_new_login(client, owner, fake_prices):
    _fill(3, fake_prices)
    client = type(client)(enforce_csrf_checks=True)
    client.force_login(owner)
    client.get(LIST, {"view": "dense"})  # the fragment is cached now
    client.logout()
    client.force_login(owner)  # a new login rotates the CSRF secret
    html = client.get(LIST, {"view": "dense"}).content.decode()
    token = re.search(r'id="dense-form">.*?name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    product_id = re.search(r'name="q-(\d+)"', html).group(1)
    response = client.post(reverse("orders:cart_add_many"), {"csrfmiddlewaretoken": token, f"q-{product_id}": "2"})
    assert response.status_code == 302


@pytest.mark.parametrize("n", [1, 100])
def test_dense_list_query_count_is_fixed(signed_in, fake_prices, django_assert_max_num_queries, n):
    _fill(n, fake_prices, CategoryFactory(parent=CategoryFactory()))
    # 13 + 1 for a search's candidates (catalog.search.best_matches), + the session row (sessions in PostgreSQL)
    with django_assert_max_num_queries(14):
        response = signed_in.get(LIST, {"q": "panel", "view": "dense", "per_page": "100", "sort": "price"})
    assert response.status_code == 200 and len(rows(response.content.decode())) == n


def test_a_viewer_sees_the_dense_list_without_quantity_fields(client, dealer, fake_prices):
    from dealers.testing import DealerUserFactory

    _fill(2, fake_prices)
    client.force_login(DealerUserFactory(dealer=dealer, role="viewer"))
    html = client.get(LIST, {"view": "dense"}).content.decode()
    assert len(rows(html)) == 2 and "10.00 TRY" in html
    assert 'name="q-' not in html and 'id="dense-form"' not in html


def test_a_product_that_cannot_be_delivered_has_no_quantity_field_to_fill(signed_in, fake_prices):
    (product,) = _fill(1, fake_prices)
    product.stock_quantity, product.allow_backorder = 0, False
    product.save()
    html = signed_in.get(LIST, {"view": "dense"}).content.decode()
    assert 'data-availability="unavailable"' in html
    field = re.search(rf'<input [^>]*name="q-{product.pk}"[^>]*>', html).group(0)
    assert " disabled" in field
