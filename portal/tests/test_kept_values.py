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
