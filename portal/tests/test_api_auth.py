"""API tokens: issued and revoked through the services and the admin; token authentication and scopes."""
import hashlib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory, UserFactory
from portal import api_tokens
from portal.api_tokens import InvalidApiToken, create_api_token, hash_key, revoke_api_token
from portal.models import ApiToken, AuditEntry

pytestmark = pytest.mark.django_db

Scope = ApiToken.Scope
DEALERS = "/api/v1/dealers/"
COMPANY = "/api/v1/me/company/"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{32,}$")


@pytest.fixture
def integration_user():
    # An integration acts as a staff user holding just the permissions of its scopes: approval needs is_staff.
    from portal.testing import grant_scope_permissions

    return grant_scope_permissions(UserFactory(email="erp@integration.example.com", is_staff=True),
                                   [Scope.DEALERS_READ, Scope.DEALERS_WRITE, Scope.DEALERS_APPROVE])


@pytest.fixture
def admin_user_():
    return StaffFactory(email="admin@portal.example.com")


def client_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# --- issuing and revoking ----------------------------------------------------------------------------------------

def test_a_new_token_keeps_only_the_hash_of_its_key_and_is_audited(integration_user, admin_user_):
    token, key = create_api_token(name="ERP production", user=integration_user,
                                  scopes=[Scope.DEALERS_WRITE, Scope.DEALERS_READ], actor=admin_user_)
    assert KEY_PATTERN.match(key)
    prefix, secret = key.split(".")
    assert token.prefix == prefix and len(secret) >= 32
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    token.refresh_from_db()
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(secret in value for value in stored)
    assert token.scopes == ["dealers:read", "dealers:write"]
    entry = AuditEntry.objects.get(action="api_token.created")
    assert entry.actor == admin_user_ and entry.data["prefix"] == prefix and secret not in str(entry.data)


def test_every_token_gets_its_own_key_and_prefix(integration_user, admin_user_):
    keys = {create_api_token(name=f"t{i}", user=integration_user, scopes=[Scope.DEALERS_READ], actor=admin_user_)[1]
            for i in range(5)}
    assert len(keys) == 5 and len({k.split(".")[0] for k in keys}) == 5


def test_a_prefix_already_taken_is_drawn_again(integration_user, admin_user_, monkeypatch):
    ApiToken.objects.create(name="old", user=integration_user, prefix="AAAAAAAA", key_hash="x")
    draws = iter(["AAAAAAAA", "s" * 43, "BBBBBBBB", "t" * 43])
    monkeypatch.setattr(api_tokens.secrets, "token_urlsafe", lambda n: next(draws))
    token, key = create_api_token(name="new", user=integration_user, scopes=[Scope.DEALERS_READ], actor=admin_user_)
    assert token.prefix == "BBBBBBBB" and key == "BBBBBBBB." + "t" * 43


@pytest.mark.parametrize("make_user, scopes, name, field", [
    (lambda: UserFactory(is_staff=True), [], "ERP", "scopes"),
    (lambda: UserFactory(is_staff=True), ["dealers:delete"], "ERP", "scopes"),
    (lambda: DealerUserFactory(), [Scope.DEALERS_READ], "ERP", "scopes"),
    (lambda: UserFactory(is_staff=True), [Scope.ACCOUNT], "ERP", "scopes"),
    (lambda: UserFactory(is_staff=True), [Scope.DEALERS_READ], "  ", "name"),
], ids=["no-scope", "unknown-scope", "dealer-user-with-staff-scope", "staff-with-account-scope", "blank-name"])
def test_a_token_is_refused_scopes_that_do_not_fit_its_user(make_user, scopes, name, field, admin_user_):
    with pytest.raises(InvalidApiToken) as exc:
        create_api_token(name=name, user=make_user(), scopes=scopes, actor=admin_user_)
    assert exc.value.field == field and exc.value.code == "portal.invalid_api_token"
    assert not ApiToken.objects.exists()


def test_revoking_a_token_is_audited_once_and_a_second_revoke_changes_nothing(integration_user, admin_user_):
    token, _key = create_api_token(name="ERP", user=integration_user, scopes=[Scope.DEALERS_READ], actor=admin_user_)
    revoked = revoke_api_token(token=token, actor=admin_user_)
    assert revoked.revoked_at is not None
    again = revoke_api_token(token=token, actor=admin_user_)
    assert again.revoked_at == revoked.revoked_at
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


# --- authentication ----------------------------------------------------------------------------------------------

@pytest.fixture
def read_token(integration_user, admin_user_):
    return create_api_token(name="ERP", user=integration_user, scopes=[Scope.DEALERS_READ], actor=admin_user_)


def test_a_valid_token_authenticates_as_its_user(read_token):
    DealerFactory()
    response = client_with(read_token[1]).get(DEALERS)
    assert response.status_code == 200 and response.json()["count"] == 1


def test_a_dealer_users_token_acts_for_its_own_dealer(admin_user_):
    owner = DealerUserFactory()
    _token, key = create_api_token(name="script", user=owner, scopes=[Scope.ACCOUNT], actor=admin_user_)
    assert client_with(key).get(COMPANY).json()["id"] == owner.dealer_id


@pytest.mark.parametrize("mangle", [
    lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),
    lambda key: "ZZZZZZZZ." + key.split(".")[1],
    lambda key: key.split(".")[0],
    lambda key: key.replace(".", ""),
    lambda key: f"{key} extra",
], ids=["wrong-secret", "unknown-prefix", "prefix-only", "no-dot", "extra-words"])
def test_a_wrong_or_malformed_key_answers_401(read_token, mangle):
    response = client_with(mangle(read_token[1])).get(DEALERS)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_no_credentials_answer_401_asking_for_a_token():
    response = APIClient().get(DEALERS)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_answers_401(read_token, admin_user_):
    token, key = read_token
    revoke_api_token(token=token, actor=admin_user_)
    response = client_with(key).get(DEALERS)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_the_token_of_an_inactive_user_answers_401(read_token, integration_user):
    integration_user.is_active = False
    integration_user.save()
    response = client_with(read_token[1]).get(DEALERS)
    assert response.status_code == 401 and "inactive" in response.json()["detail"]


def test_a_token_without_the_scope_answers_403_naming_it(read_token):
    response = client_with(read_token[1]).post(DEALERS, {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied" and "dealers:write" in response.json()["detail"]


def test_a_staff_scope_on_a_non_staff_users_token_is_refused():
    # Written past the service (which refuses it) to prove the permission checks the user too.
    key = "abcdefgh." + "s" * 43
    ApiToken.objects.create(name="bad", user=DealerUserFactory(), prefix="abcdefgh", key_hash=hash_key(key),
                            scopes=[Scope.DEALERS_READ])
    assert client_with(key).get(DEALERS).status_code == 403


def test_last_used_is_stamped_at_most_once_a_minute(read_token):
    token, key = read_token
    client = client_with(key)
    client.get(DEALERS)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(DEALERS)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    client.get(DEALERS)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_token_requests_need_no_csrf_token_but_session_requests_do(integration_user, admin_user_):
    _token, key = create_api_token(name="ERP", user=integration_user, scopes=[Scope.DEALERS_APPROVE],
                                   actor=admin_user_)
    dealer = DealerFactory(status="applied")
    token_client = APIClient(enforce_csrf_checks=True)
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert token_client.post(f"{DEALERS}{dealer.pk}/reject/", {"reason": "No."}, format="json").status_code == 200
    session_client = APIClient(enforce_csrf_checks=True)
    session_client.force_login(admin_user_)
    response = session_client.post(f"{DEALERS}{DealerFactory(status='applied').pk}/reject/", {"reason": "No."},
                                   format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


# --- admin -------------------------------------------------------------------------------------------------------

def test_issuing_a_token_in_the_admin_shows_the_key_once(client, admin_user_, integration_user):
    client.force_login(admin_user_)
    response = client.post(reverse("admin:portal_apitoken_add"), {
        "name": "ERP production", "user": integration_user.pk, "scopes": ["dealers:read", "dealers:approve"],
    }, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    keys = re.findall(r"<code>([A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{32,})</code>", response.content.decode())
    assert len(keys) == 1
    assert token.prefix == keys[0].split(".")[0] and token.key_hash == hash_key(keys[0])
    assert token.scopes == ["dealers:approve", "dealers:read"] and token.user == integration_user
    assert AuditEntry.objects.filter(action="api_token.created", actor=admin_user_).exists()
    # the key is not shown again, and the hash never
    page = client.get(reverse("admin:portal_apitoken_change", args=[token.pk])).content.decode()
    assert keys[0] not in page and token.key_hash not in page
    listing = client.get(reverse("admin:portal_apitoken_changelist")).content.decode()
    assert keys[0] not in listing and token.key_hash not in listing and token.prefix in listing


def test_the_admin_refuses_scopes_that_do_not_fit_the_user(client, admin_user_):
    client.force_login(admin_user_)
    response = client.post(reverse("admin:portal_apitoken_add"), {
        "name": "Script", "user": DealerUserFactory().pk, "scopes": ["dealers:approve"],
    })
    assert response.status_code == 200 and not ApiToken.objects.exists()
    assert "Only a staff user" in response.content.decode()


def test_the_admin_revokes_tokens_with_an_action_and_never_deletes_them(client, admin_user_, integration_user):
    token, key = create_api_token(name="ERP", user=integration_user, scopes=[Scope.DEALERS_READ], actor=admin_user_)
    client.force_login(admin_user_)
    response = client.post(reverse("admin:portal_apitoken_changelist"),
                           {"action": "revoke_selected", "_selected_action": [token.pk]}, follow=True)
    assert response.status_code == 200 and "1 API token revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoked", actor=admin_user_).exists()
    assert client_with(key).get(DEALERS).status_code == 401
    assert client.get(reverse("admin:portal_apitoken_delete", args=[token.pk])).status_code == 403
