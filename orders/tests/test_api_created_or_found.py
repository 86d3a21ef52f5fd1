"""`POST /api/v1/me/orders/` answers 201 only when this request placed the order and 200 when it found the order its
Idempotency-Key placed: the service says which (ordering.place_order_or_find), not the view before it runs. On real
PostgreSQL with two requests in parallel (issue 13)."""
import threading
import time

import pytest

from dealers.testing import StaffFactory
from orders.models import Order
from orders.services import ordering
from portal.api_tokens import create_api_token
from portal.testing import api_client, run_together

URL = "/api/v1/me/orders/"
BODY = {"lines": [{"sku": "LED-600", "quantity": "2"}], "payment_method": "on_account"}


def test_a_retry_that_finds_the_order_its_key_placed_is_200(db, owner, addresses, panel):
    first = ordering.place_order_or_find(actor=_actor(owner), lines=[(panel, 2)], checkout=ordering.Checkout(),
                                         idempotency_key="k-1")
    again = ordering.place_order_or_find(actor=_actor(owner), lines=[(panel, 2)], checkout=ordering.Checkout(),
                                         idempotency_key="k-1")
    assert first[1] is True and again == (first[0], False)
    assert Order.objects.count() == 1


def test_a_key_said_to_be_new_still_finds_the_order_it_placed(db, owner, addresses, panel):
    # key_is_new skips the look-up (an Idempotency-Key claimed just now); were it wrong, the unique constraint still
    # makes one order, and the call says it found it.
    first = ordering.place_order_or_find(actor=_actor(owner), lines=[(panel, 2)], checkout=ordering.Checkout(),
                                         idempotency_key="k-2")
    again = ordering.place_order_or_find(actor=_actor(owner), lines=[(panel, 2)], checkout=ordering.Checkout(),
                                         idempotency_key="k-2", key_is_new=True)
    assert first[1] is True and again == (first[0], False)
    assert Order.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_parallel_retries_with_one_key_answer_exactly_one_201(owner, addresses, panel, settings, monkeypatch):
    # The second request takes the key over at once, as after its lease ran out: both run the service with the one
    # order key. Both are held inside the service, past its "already placed?" look-up, until both are there.
    settings.IDEMPOTENCY_LOCK_SECONDS = 0
    both_inside = threading.Barrier(2)
    decide = ordering.needs_approval

    def held(actor, total_gross):
        both_inside.wait(timeout=30)
        return decide(actor, total_gross)

    monkeypatch.setattr(ordering, "needs_approval", held)
    # One token (one scope of keys), a client per thread.
    _token, key = create_api_token(name="ERP", user=owner, scopes=["account"], actor=StaffFactory())
    clients = [api_client(key) for _ in range(2)]

    def post(client):
        def run():
            # A request that meets the other's claim a moment before its lease counts as over answers 409 "in
            # progress"; a client retries it, and the retry takes the key over (on a loaded machine this happens).
            for _attempt in range(20):
                response = client.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="retry-key")
                if response.status_code != 409 or response.json().get("code") != "idempotency_key_in_progress":
                    break
                time.sleep(0.05)
            return response.status_code, response.json().get("number"), response.get("Idempotent-Replayed")
        return run

    results = run_together([post(client) for client in clients], timeout=60)
    assert all(isinstance(result, tuple) for result in results), results
    order = Order.objects.get()
    assert sorted(status for status, _number, _replayed in results) == [200, 201], results
    assert {number for _status, number, _replayed in results} == {order.number}
    assert not any(replayed for _status, _number, replayed in results)  # both ran the service


def _actor(user):
    from orders.testing import actor_of

    return actor_of(user)
