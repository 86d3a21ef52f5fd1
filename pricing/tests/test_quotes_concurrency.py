"""Two people accept one quote at the same moment, in parallel threads against the real PostgreSQL: the quote row is
locked, the order maker runs once, and the second acceptance gets a clear conflict (or, repeating the first one's
idempotency key, the same order)."""
import threading

import pytest
from django.db import connection

from portal.errors import DomainError
from pricing import hooks as pricing_hooks
from pricing import services
from pricing.models import Quote

from .quote_fixtures import FakeOrderMaker, actor_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_order_maker():
    """An order maker that takes a while, so both acceptances are surely in flight at once."""
    maker = FakeOrderMaker(delay=0.4)
    with pricing_hooks.order_maker.registered(maker):
        yield maker


def accept_in_parallel(calls):
    """Run each (actor, key) acceptance in its own thread and connection, released together."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, actor, key):
        try:
            quote = Quote.objects.get(pk=calls_quote.pk)
            barrier.wait(timeout=10)
            results[index] = services.accept_quote(actor=actor, quote=quote, idempotency_key=key)
        except DomainError as exc:
            results[index] = exc
        finally:
            connection.close()

    calls_quote = calls[0][2]
    threads = [threading.Thread(target=run, args=(i, actor, key)) for i, (actor, key, _q) in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_people_accepting_at_once_make_exactly_one_order(sent, owner, buyer, slow_order_maker):
    results = accept_in_parallel([(actor_of(owner), "owner-key", sent), (actor_of(buyer), "buyer-key", sent)])
    assert len(slow_order_maker.calls) == 1
    accepted = [r for r in results if isinstance(r, Quote)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(accepted) == 1 and len(refused) == 1
    assert refused[0].code == "pricing.quote_already_accepted" and refused[0].http_status == 409
    assert accepted[0].order_number in str(refused[0].message)
    sent.refresh_from_db()
    assert sent.status == "ordered" and sent.order_number == "ORD-FAKE-0001"
    assert sent.status_changes.filter(to_status="ordered").count() == 1


def test_a_double_submit_with_one_key_gets_the_same_order_twice(sent, owner, slow_order_maker):
    results = accept_in_parallel([(actor_of(owner), "one-click", sent), (actor_of(owner), "one-click", sent)])
    assert len(slow_order_maker.calls) == 1
    assert all(isinstance(r, Quote) for r in results), results
    assert {r.order_number for r in results} == {"ORD-FAKE-0001"}
