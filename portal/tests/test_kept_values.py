"""Values kept in the process in front of the cache (portal.cache.KeptValues, issue 18): only under keys whose value
never changes, never while the cache is away, never from an earlier version after Redis lost its data."""
import time

import pytest
from django.core.cache import cache
from django.db import transaction

from catalog.search import catalog_version
from catalog.services import bump_catalog_version
from portal.cache import KeptValues

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_value_read_once_is_kept_without_asking_redis_again():
    kept = KeptValues(max_entries=10)
    cache.set("kept-test:1:a", ("cards", 1), 60)
    assert kept.get("kept-test:1:a") == ("cards", 1)
    cache.delete("kept-test:1:a")  # gone from Redis: the process still has it
    assert kept.get("kept-test:1:a") == ("cards", 1)
    assert kept.get("kept-test:1:b") is None
    kept.set("kept-test:1:b", "<ul></ul>", 60)
    assert cache.get("kept-test:1:b") == "<ul></ul>" and kept.get("kept-test:1:b") == "<ul></ul>"


def test_it_is_bounded():
    kept = KeptValues(max_entries=3)
    for n in range(3):
        kept.set(f"kept-test:{n}", n + 1, 60)
    cache.clear()
    assert [kept.get(f"kept-test:{n}") for n in range(3)] == [1, 2, 3]
    kept.set("kept-test:3", 4, 60)  # the fourth empties what was kept
    assert kept.get("kept-test:0") is None and kept.get("kept-test:3") == 4


def test_it_is_bounded_by_weight_too():
    kept = KeptValues(max_entries=10, weigh=len, max_weight=5)
    kept.set("kept-test:a", (1, 2, 3), 60)
    kept.set("kept-test:b", (4, 5), 60)
    cache.clear()
    assert kept.get("kept-test:a") == (1, 2, 3) and kept.get("kept-test:b") == (4, 5)
    kept.set("kept-test:c", (6,), 60)  # 6 > 5: what was kept goes
    assert kept.get("kept-test:a") is None and kept.get("kept-test:c") == (6,)


def test_nothing_is_served_or_kept_while_the_cache_is_away():
    kept = KeptValues(max_entries=10)
    kept.set("kept-test:v:a", "old", 60)
    cache._down_until = time.monotonic() + 60  # as after a failed call: Redis is not asked for a while
    try:
        assert kept.get("kept-test:v:a") is None
        kept.set("kept-test:v:b", "new", 60)
    finally:
        cache._down_until = 0.0
    cache.clear()
    assert kept.get("kept-test:v:a") is None and kept.get("kept-test:v:b") is None


def test_the_catalog_version_never_comes_back_after_redis_lost_it():
    first = catalog_version()
    with transaction.atomic():
        bump_catalog_version()
    bumped = catalog_version()
    assert bumped == first + 1
    cache.clear()  # Redis restarted without its data
    again = catalog_version()
    assert again not in (first, bumped) and again > bumped


def test_a_catalog_page_is_served_its_shared_cards_and_tree_from_the_process(client, staff):
    from django.urls import reverse

    from catalog.testing import CategoryFactory, ProductFactory

    category = CategoryFactory(name="Kablolar")
    ProductFactory(category=category, sku="KB-1", name="Kablo 3x2.5")
    client.force_login(staff)  # no prices: the page's cards are the shared ones (a dealer's small catalog prices all)
    first = client.get(reverse("catalog:list"), {"r": "1"}).content.decode()
    assert "Kablo 3x2.5" in first and "Kablolar" in first
    shared = _shared_keys()
    assert len(shared) == 2
    cache._cache.get_client().delete(*shared)  # gone from Redis: this process still has them, under the same catalog version
    again = client.get(reverse("catalog:list"), {"r": "2"}).content.decode()
    assert "Kablo 3x2.5" in again and "Kablolar" in again
    assert not _shared_keys()
    with transaction.atomic():
        ProductFactory(category=category, sku="KB-2", name="Kablo 3x4")  # a write bumps the version
    assert "Kablo 3x4" in client.get(reverse("catalog:list"), {"r": "3"}).content.decode()


def _shared_keys():
    """The Redis keys of the shared cards and the sidebar tree."""
    return [key for key in cache._cache.get_client().keys("*") if b":cards:" in key or b"catalog_tree" in key]
