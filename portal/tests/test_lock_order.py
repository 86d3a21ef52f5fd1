"""One lock order for the whole portal (portal/locks.py, docs/architecture.md): the account API's two PATCH paths
no longer deadlock each other, and a deadlock that still happens is run once more and otherwise answers 409
"try again" (API and pages), never 500."""
import threading

import pytest
from django.db import OperationalError, transaction
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Product
from catalog.testing import ProductFactory
from dealers.models import Address, Role
from dealers.testing import AddressFactory, DealerFactory, DealerUserFactory
from portal import locks
from portal.errors import api_exception_handler
from portal.middleware import BusyMiddleware
from portal.testing import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_address_and_user_patches_of_one_dealer_never_answer_500():
    dealer = DealerFactory()
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    DealerUserFactory(dealer=dealer, role=Role.OWNER)  # a second owner: owners are locked together
    buyers = [DealerUserFactory(dealer=dealer, role=Role.BUYER) for _ in range(20)]
    addresses = [AddressFactory(dealer=dealer, kind=Address.Kind.SHIPPING) for _ in range(20)]

    def client():
        api = APIClient()
        api.force_login(owner)
        return api

    clients = [client() for _ in range(40)]
    calls = []
    for i, address in enumerate(addresses):
        calls.append(lambda c=clients[i], a=address: c.patch(
            reverse("api:me-addresses-detail", args=[a.pk]), {"is_default": True, "label": f"Depot {a.pk}"},
            format="json").status_code)
    for i, buyer in enumerate(buyers):
        calls.append(lambda c=clients[20 + i], b=buyer: c.patch(
            reverse("api:me-users-detail", args=[b.pk]), {"order_limit": "2500.00"}, format="json").status_code)
    calls = [calls[i] for i in sorted(range(40), key=lambda i: (i % 20, i))]  # address, user, address, …
    outcomes = run_together(calls)
    assert outcomes == [200] * 40
    assert Address.objects.filter(dealer=dealer, kind=Address.Kind.SHIPPING, is_default=True).count() == 1


# --- a deadlock that still happens -----------------------------------------------------------------------------------

def _opposite_order_services():
    """Two services that lock two product rows in opposite order, meeting in the middle on their first attempt."""
    first, second = ProductFactory(), ProductFactory()
    barrier = threading.Barrier(2)
    attempts = {"ab": 0, "ba": 0}

    def service(name, one, two):
        @locks.retry_when_busy
        def run():
            attempts[name] += 1
            with transaction.atomic():
                Product.objects.select_for_update().get(pk=one.pk)
                if attempts[name] == 1:
                    barrier.wait(timeout=30)
                Product.objects.select_for_update().get(pk=two.pk)
            return name
        return run

    return service("ab", first, second), service("ba", second, first), attempts


def test_a_forced_deadlock_is_run_once_more_and_both_services_succeed():
    ab, ba, attempts = _opposite_order_services()
    assert sorted(run_together([ab, ba])) == ["ab", "ba"]
    assert sorted(attempts.values()) == [1, 2]  # the deadlock's victim ran once more


def _real_deadlock() -> OperationalError:
    """The OperationalError PostgreSQL raises for a real deadlock (two transactions, two rows, opposite order)."""
    first, second = ProductFactory(), ProductFactory()
    barrier = threading.Barrier(2)

    def crosswise(one, two):
        def run():
            with transaction.atomic():
                Product.objects.select_for_update().get(pk=one.pk)
                barrier.wait(timeout=30)
                Product.objects.select_for_update().get(pk=two.pk)
        return run

    outcomes = run_together([crosswise(first, second), crosswise(second, first)])
    errors = [o for o in outcomes if isinstance(o, OperationalError)]
    assert len(errors) == 1 and locks.is_lock_conflict(errors[0])
    return errors[0]


def test_a_deadlock_twice_in_a_row_becomes_try_again_409():
    deadlock = _real_deadlock()
    calls = []

    @locks.retry_when_busy
    def always_loses():
        calls.append(1)
        with transaction.atomic():
            raise deadlock

    with pytest.raises(locks.Busy) as exc:
        always_loses()
    assert len(calls) == 2
    assert exc.value.code == "portal.busy_try_again" and exc.value.http_status == 409

    # The API answers 409 with the code, for Busy and for a raw deadlock from a path without the retry.
    for error in (exc.value, deadlock):
        response = api_exception_handler(error, {})
        assert response.status_code == 409 and response.data["code"] == "portal.busy_try_again"
        assert "try again" in response.data["detail"]

    # A page answers 409 with the same words instead of a server error.
    request = RequestFactory().post("/orders/checkout/")
    for error in (exc.value, deadlock):
        response = BusyMiddleware(lambda r: None).process_exception(request, error)
        assert response.status_code == 409 and "try again" in response.content.decode()
    assert BusyMiddleware(lambda r: None).process_exception(request, ValueError("other")) is None


def test_a_deadlock_on_the_account_api_answers_409_not_500(monkeypatch):
    deadlock = _real_deadlock()
    dealer = DealerFactory()
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    address = AddressFactory(dealer=dealer)

    def deadlocked(**kwargs):
        raise deadlock

    import dealers.services as dealer_services

    monkeypatch.setattr(dealer_services, "save_address", deadlocked)  # what the API calls
    api = APIClient()
    api.force_login(owner)
    response = api.patch(reverse("api:me-addresses-detail", args=[address.pk]), {"label": "X"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "portal.busy_try_again"


def test_a_deadlock_on_a_page_answers_409_with_try_again_not_500(monkeypatch, client):
    deadlock = _real_deadlock()
    dealer = DealerFactory()
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)

    def deadlocked(actor):
        raise deadlock

    from dealers import selectors as dealer_selectors

    monkeypatch.setattr(dealer_selectors, "list_addresses", deadlocked)  # what the addresses page reads
    client.force_login(owner)
    response = client.get(reverse("dealers:addresses"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Please try again" in page and "nothing was saved" in page
