"""The review figures of a list page's cards are kept in each process under the catalog version (feedback.views.display
._KEPT_RATINGS, issue 18): the next visit of the page reads no cache and no database for them, and shows the figures
the database gives; a review that starts counting bumps the version and shows at once. A card's stars are written
once per language, link and figures (_CARD_HTML), as the template writes them."""
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation

from catalog.search import catalog_version, product_url
from catalog.testing import CategoryFactory, ProductFactory
from feedback import selectors, services
from feedback.models import ReviewStatus
from feedback.testing import ReviewFactory
from feedback.views import display

pytestmark = pytest.mark.django_db


def _request():
    """A page's request: it read the catalog version already (catalog.search.catalog_version keeps it on it)."""
    return SimpleNamespace(path="/catalog/", method="GET", _catalog_version=catalog_version())


@pytest.fixture
def products():
    category = CategoryFactory(name="Lamps", slug="kept-lamps")
    found = [ProductFactory(category=category, name=f"Lamp {i}") for i in range(4)]
    for product, stars in ((found[0], (5, 4, 4)), (found[2], (1,))):
        for n in stars:
            ReviewFactory(product=product, stars=n, status=ReviewStatus.PUBLISHED, published_at=timezone.now(),
                          submitted_at=timezone.now())
    return found


def test_kept_figures_are_the_databases_and_need_no_round_trip(products, django_assert_num_queries):
    ids = [product.pk for product in products]
    first = display.ratings_for(_request(), ids)
    request = _request()  # the next visit
    with mock.patch.object(cache, "get", side_effect=AssertionError("read the cache")), \
            django_assert_num_queries(0):
        kept = display.ratings_for(request, ids)
    expected = selectors.review_ratings(product_ids=ids)
    for figures in (first, kept):
        assert sorted(figures) == sorted(expected) == [products[0].pk, products[2].pk]
        assert all((figures[pk].histogram, figures[pk].count, figures[pk].average)
                   == (expected[pk].histogram, expected[pk].count, expected[pk].average) for pk in expected)


def test_a_review_that_starts_counting_shows_at_once(products, staff, django_capture_on_commit_callbacks):
    ids = [product.pk for product in products]
    assert products[1].pk not in display.ratings_for(_request(), ids)
    review = ReviewFactory(product=products[1], stars=3, status=ReviewStatus.PENDING, submitted_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(actor=staff, review=review)
    figures = display.ratings_for(_request(), ids)
    assert figures[products[1].pk].count == 1 and figures[products[1].pk].average == 3


def test_the_kept_figures_are_bounded(products, monkeypatch):
    monkeypatch.setattr(display._KEPT_RATINGS, "max_entries", 2)
    for i in range(6):
        display.ratings_for(_request(), [products[i % 4].pk, products[(i + 1) % 4].pk + i * 1000])
    assert len(display._KEPT_RATINGS._values) <= 2


def test_kept_card_stars_are_the_templates(products):
    """A card's stars written once in a process are the template's, for each figure and language."""
    def fresh(product, figures):
        return render_to_string("feedback/_card_rating.html", {
            "ratings": figures, "stars": display.star_parts(figures.average), "url": product_url(product.sku)})

    display._CARD_HTML.clear()
    expected = selectors.review_ratings(product_ids=[p.pk for p in products])
    for _round in range(2):  # the second round reads the kept ones
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                answer = display.card_ratings(request=_request(), products=products)
                assert sorted(answer) == sorted(expected)
                for product in products:
                    if product.pk in expected:
                        assert answer[product.pk] == fresh(product, expected[product.pk]), language
    assert len(display._CARD_HTML) == 2 * len(settings.LANGUAGES)


def test_the_kept_card_stars_are_bounded(products, monkeypatch):
    monkeypatch.setattr(display, "_CARD_HTML_MAX", 1)
    display._CARD_HTML.clear()
    display.card_ratings(request=_request(), products=products)
    assert len(display._CARD_HTML) <= 1
