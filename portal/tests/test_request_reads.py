"""What every page of a dealer user reads from the cache, read in one round trip (portal.cache.request_value,
issue 18): the current terms, the catalog version and the cart count still say what they said before."""
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from catalog.search import VERSION_KEY
from dealers.models import TermsVersion
from dealers.services.accounts import CURRENT_TERMS_KEY
from orders.selectors import cart_count_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(monkeypatch):
    """Every cache read the page makes: ("get", key) or ("get_many", keys)."""
    seen = []
    real_get, real_many = cache.get, cache.get_many
    monkeypatch.setattr(cache, "get", lambda key, *a, **k: seen.append(("get", key)) or real_get(key, *a, **k))
    monkeypatch.setattr(cache, "get_many", lambda keys, *a, **k: seen.append(("get_many", tuple(keys)))
                        or real_many(keys, *a, **k))
    return seen


def test_a_catalog_page_reads_terms_version_and_cart_count_in_one_round_trip(client, owner, reads):
    client.force_login(owner)
    cart_key = cart_count_key(user_id=owner.pk, dealer_id=owner.dealer_id)
    client.get(reverse("catalog:list"))  # the first page of all sets the catalog version
    reads.clear()
    cache.set(cart_key, 7, 60)
    response = client.get(reverse("catalog:list"), {"r": "1"})
    assert response.status_code == 200
    assert '<span class="cart-count">7</span>' in response.content.decode()
    many = [keys for kind, keys in reads if kind == "get_many"]
    assert len(many) == 1 and set(many[0]) == {CURRENT_TERMS_KEY, VERSION_KEY, cart_key}
    singles = {key for kind, key in reads if kind == "get"}
    assert not singles & {CURRENT_TERMS_KEY, VERSION_KEY, cart_key}


def test_new_terms_still_stop_the_next_page(client, owner):
    client.force_login(owner)
    assert client.get(reverse("catalog:list")).status_code == 200
    TermsVersion.objects.create(version=7, title="Terms", body="Read me", published_at=timezone.now())
    response = client.get(reverse("catalog:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("dealers:terms"))


def test_a_cart_change_shows_on_the_next_page(client, owner):
    client.force_login(owner)
    cart_key = cart_count_key(user_id=owner.pk, dealer_id=owner.dealer_id)
    cache.set(cart_key, 2, 60)
    assert '<span class="cart-count">2</span>' in client.get(reverse("catalog:list")).content.decode()
    cache.delete(cart_key)  # what saving a cart line does (orders.selectors.forget_cart_count)
    assert '<span class="cart-count">0</span>' in client.get(reverse("catalog:list")).content.decode()


def test_a_post_reads_nothing_ahead(client, owner, reads):
    client.force_login(owner)
    client.post(reverse("orders:cart_add"), {"sku": "NO-SUCH", "quantity": "1"})
    assert not [keys for kind, keys in reads if kind == "get_many"]


def test_a_page_outside_the_catalog_does_not_read_the_catalog_version(client, owner, reads):
    client.force_login(owner)
    assert client.get(reverse("dealers:dashboard")).status_code == 200
    assert all(VERSION_KEY not in keys for kind, keys in reads if kind == "get_many")


def test_accepted_terms_are_asked_of_the_database_once_per_session(client, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dealers.models import TermsAcceptance

    terms = TermsVersion.objects.create(version=3, title="Terms", body="Read me", published_at=timezone.now())
    TermsAcceptance.objects.create(user=owner, terms=terms)
    client.force_login(owner)

    def acceptance_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("catalog:list"), {"r": str(len(acceptance_queries.seen))}).status_code == 200
        acceptance_queries.seen.append(1)
        return [q for q in queries.captured_queries if "dealers_termsacceptance" in q["sql"]]

    acceptance_queries.seen = []
    assert len(acceptance_queries()) == 1
    assert acceptance_queries() == []  # the session remembers it
    TermsVersion.objects.create(version=4, title="New terms", body="Read me again", published_at=timezone.now())
    response = client.get(reverse("catalog:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("dealers:terms"))
