"""Redis away (cache, sessions, throttles and the broker all on it): pages, the API and checkout keep working from
the database, orders placed meanwhile keep their mails in the outbox, and /healthz/ says what is down."""
import socket

import pytest
from django.db import connection
from django.urls import reverse

from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory
from orders.models import Order
from orders.testing import CartFactory, CartLineFactory, priced, with_addresses
from portal.models import Heartbeat, Notification
from portal.testing import RedisBroker
from pricing.testing import PriceListFactory


def _spare_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def own_redis():
    """A redis-server of this module's own, for the cache (and sessions through it), so a test can stop it."""
    server = RedisBroker(_spare_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cache_redis(own_redis, settings):
    own_redis.start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": own_redis.url}}
    yield own_redis
    own_redis.start()


@pytest.fixture
def shop(db):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    market = PriceListFactory(kind="market", name="Market 2026")
    panel = priced(market, "100.00", sku="LED-600", name="LED panel 60x60")
    return dealer, owner, panel


@pytest.mark.django_db
def test_pages_api_and_checkout_work_while_redis_is_down(client, shop, cache_redis, redis_broker,
                                                         django_capture_on_commit_callbacks):
    dealer, owner, panel = shop
    client.force_login(owner)  # signed in before the outage
    assert client.get("/account/").status_code == 200
    cache_redis.stop()
    redis_broker.stop()
    try:
        account = client.get("/account/")
        assert account.status_code == 200 and str(dealer) in account.content.decode()
        catalog = client.get("/catalog/")
        assert catalog.status_code == 200 and "LED panel 60x60" in catalog.content.decode()
        assert client.get("/catalog/?q=LED").status_code == 200
        credit = client.get("/api/v1/me/credit/")
        assert credit.status_code == 200 and "limit" in str(credit.json())

        with django_capture_on_commit_callbacks(execute=True):
            created = client.post("/api/v1/me/orders/", {"lines": [{"sku": "LED-600", "quantity": "2"}]},
                                  content_type="application/json")
        assert created.status_code == 201, created.content
        order = Order.objects.get(number=created.json()["number"])
        mails = Notification.objects.filter(recipient=owner.email, template="orders/received")
        assert mails.count() == 1 and mails.get().status == Notification.Status.PENDING  # waits for the broker

        # The web checkout too, with the cart count in the header read from the database.
        cart = CartFactory(user=owner, dealer=dealer)
        CartLineFactory(cart=cart, product=panel, quantity=3)
        assert client.get(reverse("orders:cart")).status_code == 200
        form = {"shipping_address": dealer.addresses.get(kind="shipping").pk,
                "billing_address": dealer.addresses.get(kind="billing").pk, "shipping_method": "standard",
                "payment_method": "on_account", "po_number": "PO-OUTAGE", "notes": "",
                "requested_delivery_date": "", "token": "tok-outage"}
        assert client.post(reverse("orders:checkout"), {**form, "step": "review"}).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            placed = client.post(reverse("orders:checkout"), {**form, "step": "place"})
        assert placed.status_code == 302
        assert Order.objects.filter(dealer=dealer).exclude(pk=order.pk).get().po_number == "PO-OUTAGE"

        # Signing in during the outage works too (the session lives in the database).
        client.logout()
        client.force_login(owner)
        assert client.get("/account/").status_code == 200
    finally:
        redis_broker.start()


@pytest.mark.django_db
def test_a_change_made_while_the_cache_was_down_is_not_hidden_by_an_old_value_when_it_returns(cache_redis):
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    cache.set("portal:probe", "before")
    cache_redis.stop()
    assert cache.get("portal:probe") is None  # a miss, not an error
    cache.delete("portal:probe")  # skipped: Redis is away
    assert cache.get_many(["portal:probe"]) == {} and cache.add("portal:other", 1) is False
    cache_redis.start()  # this test server keeps no data: put back what a Redis that kept its data would hold
    RedisCache.set(cache, "portal:probe", "before")
    cache._down_until = 0  # no retry pause in a test
    assert cache.get("portal:probe") is None  # the delete missed during the outage is made first


@pytest.mark.django_db
def test_healthz_reports_each_dependency(client, cache_redis, redis_broker):
    Heartbeat.objects.create(name="worker:test", seen_at="2026-01-01T00:00:00Z")  # long dead
    body = client.get("/healthz/").json()
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok" and body["checks"]["broker"]["status"] == "ok"
    assert body["checks"]["workers"]["status"] == "unavailable" and body["status"] == "degraded"

    from portal.health import record_worker_heartbeat

    record_worker_heartbeat("worker:test")
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.json()["status"] == "ok"

    cache_redis.stop()
    redis_broker.stop()
    try:
        response = client.get("/healthz/")
        body = response.json()
        # Pages still work without Redis: keep the web in rotation, but say what is away.
        assert response.status_code == 200 and body["status"] == "degraded"
        assert body["checks"]["cache"]["status"] == "unavailable"
        assert body["checks"]["broker"]["status"] == "unavailable"
        assert body["checks"]["database"]["status"] == "ok"
    finally:
        redis_broker.start()


@pytest.mark.django_db
def test_healthz_answers_over_plain_http_where_pages_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz/").status_code == 200


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from django.db.utils import OperationalError

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["status"] == "down" and response.json()["checks"]["database"]["status"] == "unavailable"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_mail_written_while_the_broker_was_down_goes_out_within_30_seconds_of_its_return(
    celery_worker, redis_broker, start_celery, tmp_path
):
    from django.db import transaction

    from portal import outbox
    from portal.testing import wait_until

    start_celery("beat", {}, ["--schedule", str(tmp_path / "beat-schedule")])  # the schedule `make run` uses
    redis_broker.stop()
    try:
        with transaction.atomic():
            row = outbox.notify(to="back-within-30s@example.com", template="test_message")
        assert Notification.objects.get(pk=row.pk).status == Notification.Status.PENDING
    finally:
        redis_broker.start()
    wait_until(lambda: Notification.objects.get(pk=row.pk).status == Notification.Status.SENT, 30,
               "delivery within 30 s of the broker's return")
