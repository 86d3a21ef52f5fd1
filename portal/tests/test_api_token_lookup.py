"""The API token read on every call (portal.api_tokens.token_of_prefix, compiled once per process, issue 18) is what
the ORM reads, user and dealer included, and a key that cannot be one is refused without a query (never a 500)."""
import pytest
from rest_framework.test import APIClient

from dealers.testing import DealerUserFactory, UserFactory
from portal.api_tokens import create_api_token, revoke_api_token, token_of_prefix
from portal.models import ApiToken

pytestmark = pytest.mark.django_db


def _values(obj):
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True, email="token-admin@example.com")


def test_the_token_its_user_and_dealer_are_what_the_orm_reads(staff, django_assert_num_queries):
    dealer_user = DealerUserFactory()
    tokens = [create_api_token(name="dealer", user=dealer_user, scopes=["account"], actor=staff)[0],
              create_api_token(name="erp", user=staff, scopes=["catalog:read"], actor=staff)[0]]  # no dealer
    revoke_api_token(token=tokens[1], actor=staff)
    for token in tokens:
        expected = ApiToken.objects.select_related("user__dealer").get(prefix=token.prefix)
        with django_assert_num_queries(1):
            found = token_of_prefix(token.prefix)
            user, dealer = found.user, found.user.dealer  # read along, not again
        assert _values(found) == _values(expected) and found.scopes == expected.scopes
        assert _values(user) == _values(expected.user)
        assert (dealer and _values(dealer)) == (expected.user.dealer and _values(expected.user.dealer))
    assert token_of_prefix("Zz_-0000") is None


@pytest.mark.parametrize("prefix", ["", "ab\x00cd", "a b", "ab.cd", "x" * 13, "ÄÖÜ", "abc'--"])
def test_a_prefix_no_token_can_have_is_not_looked_up(prefix, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert token_of_prefix(prefix) is None


def test_a_key_with_a_nul_byte_is_an_invalid_token_not_an_error():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token ab\x00cdefg.secret")
    response = client.get("/api/v1/me/company/")
    assert response.status_code == 401, response.content  # PostgreSQL refuses a NUL byte: the ORM's lookup was a 500
