"""Queries built once per process (portal.compiled, issue 18): what they give is what the ORM gives."""
import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dealers.models import User
from portal.compiled import CompiledQuery

pytestmark = pytest.mark.django_db


def _users_with_dealer():
    return CompiledQuery(lambda pk: User.objects.select_related("dealer").filter(pk=pk), sample=(-555_001,))


def _values(obj):
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


def test_a_user_and_its_dealer_are_exactly_what_the_orm_reads(owner, staff, django_assert_num_queries):
    compiled = _users_with_dealer()
    for user in (owner, staff):  # with a dealer, and without (the LEFT JOIN's empty side)
        expected = User.objects.select_related("dealer").get(pk=user.pk)
        with django_assert_num_queries(1):
            found = compiled.first(user.pk)
            dealer = found.dealer  # read along, not again
        assert _values(found) == _values(expected)
        assert (dealer and _values(dealer)) == (expected.dealer and _values(expected.dealer))
        assert not found._state.adding and found._state.db == "default"
    assert compiled.verified and not compiled.fallback
    assert isinstance(owner.dealer.created_at, datetime.datetime) and owner.dealer.created_at.tzinfo is not None


def test_the_sql_is_the_orms_and_other_values_find_other_rows(owner, other_owner):
    compiled = _users_with_dealer()
    with CaptureQueriesContext(connection) as queries:
        assert compiled.first(other_owner.pk).email == other_owner.email
    orm_sql = str(User.objects.select_related("dealer").filter(pk=other_owner.pk).query)
    assert queries.captured_queries[0]["sql"] == orm_sql
    assert compiled.first(owner.pk).dealer == owner.dealer
    assert compiled.first(10**9) is None
    assert compiled.all(2**70) == []  # beyond any column: through the ORM, which finds nothing
    assert compiled.first(None) is None


def test_constants_of_the_query_stay_and_the_samples_are_checked(owner):
    active = CompiledQuery(lambda pk: User.objects.filter(pk=pk, is_active=True), sample=(-555_002,))
    assert active.first(owner.pk) == owner
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert active.first(owner.pk) is None
    with pytest.raises(ValueError):  # the ORM turns "7" into 7: not a parameter as given
        CompiledQuery(lambda pk: User.objects.filter(pk=pk), sample=("7",)).first(owner.pk)
    with pytest.raises(ValueError):
        CompiledQuery(lambda a, b: User.objects.filter(pk=a), sample=(1, 1))


def test_a_value_that_changes_the_query_falls_back_to_the_orm(owner, other_owner):
    # A negative value builds another query: the compiled SQL must not answer for it.
    shaped = CompiledQuery(lambda pk: User.objects.filter(pk=pk) if pk < 0 else User.objects.filter(pk=pk, is_staff=False),
                           sample=(-555_003,))
    assert shaped.first(owner.pk) == owner
    assert shaped.fallback and not shaped.verified
    assert shaped.first(other_owner.pk) == other_owner


def test_a_signed_in_page_reads_its_session_and_user_once_each(client, owner):
    client.force_login(owner)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("catalog:list")).status_code == 200
    sessions = [q["sql"] for q in queries.captured_queries if 'FROM "django_session"' in q["sql"]]
    assert len(sessions) == 1


def test_an_expired_or_deleted_session_signs_nobody_in(client, owner):
    client.force_login(owner)
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("catalog:list"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(owner)
    Session.objects.filter(session_key=client.cookies["sessionid"].value).delete()  # signed out elsewhere
    response = client.get(reverse("catalog:list"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("cookie", ["no-such-session-key-at-all-0000", "short", "x" * 300, "bad\x00nul-session-key"])
def test_an_unknown_or_broken_session_cookie_is_nobody(client, cookie):
    client.cookies["sessionid"] = cookie
    response = client.get(reverse("catalog:list"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
