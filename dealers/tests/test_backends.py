"""The sign-in backend reads a signed-in user and its dealer in one query (issue 18), and refuses what it refused."""
import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dealers.backends import DealerUserBackend
from dealers.models import Dealer

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_comes_with_its_dealer_in_one_query(owner, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = DealerUserBackend().get_user(owner.pk)
        assert user.dealer.legal_name == owner.dealer.legal_name


def test_an_inactive_user_is_not_signed_in(owner):
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert DealerUserBackend().get_user(owner.pk) is None


def test_a_page_reads_the_user_and_its_dealer_in_one_query(client, owner):
    client.force_login(owner)
    assert client.session[BACKEND_SESSION_KEY] == "dealers.backends.DealerUserBackend"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("catalog:list")).status_code == 200
    users = [q["sql"] for q in queries.captured_queries if 'FROM "dealers_user"' in q["sql"]]
    dealers = [q["sql"] for q in queries.captured_queries if 'FROM "dealers_dealer"' in q["sql"]]
    assert len(users) == 1 and 'JOIN "dealers_dealer"' in users[0] and not dealers


def test_a_suspended_dealers_user_still_meets_the_status_page(client, owner):
    Dealer.objects.filter(pk=owner.dealer_id).update(status=Dealer.Status.SUSPENDED)
    client.force_login(owner)
    response = client.get(reverse("catalog:list"))
    assert response.status_code == 302 and response["Location"] == reverse("dealers:status")


def test_a_session_signed_in_before_the_backend_still_works(client, owner):
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    assert client.get(reverse("catalog:list")).status_code == 200


def test_a_right_password_signs_in_through_the_new_backend(owner):
    owner.set_password("a-long-enough-password")
    owner.save()
    user = authenticate(RequestFactory().post("/accounts/login/"), email=owner.email.upper(), password="a-long-enough-password")
    assert user == owner and user.backend == "dealers.backends.DealerUserBackend"


def test_a_wrong_password_is_checked_once_and_fails_once(owner, monkeypatch):
    owner.set_password("a-long-enough-password")
    owner.save()
    calls, failures = [], []
    real = ModelBackend.authenticate

    def counted(self, *args, **kwargs):
        calls.append(type(self).__name__)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counted)
    handler = lambda sender, **kwargs: failures.append(kwargs)  # noqa: E731
    user_login_failed.connect(handler)
    try:
        assert authenticate(RequestFactory().post("/accounts/login/"), email=owner.email, password="wrong-password-here") is None
        assert authenticate(RequestFactory().post("/accounts/login/"), email="nobody@example.com", password="wrong-password-here") is None
    finally:
        user_login_failed.disconnect(handler)
    assert calls == ["DealerUserBackend", "DealerUserBackend"]  # ModelBackend (old sessions only) never hashes
    assert len(failures) == 2
