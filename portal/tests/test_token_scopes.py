"""A token carries no more than its user may do: staff scopes need the user's own permission when the token is made and
on every request, a sales agent's token reaches only its assigned dealers; the offline card page decides only for the
signed-in user who started the payment."""
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from dealers.models import Role
from dealers.testing import AgentFactory, DealerFactory, DealerUserFactory, StaffFactory, UserFactory
from orders.services import ordering
from orders.testing import actor_of, priced, with_addresses
from payments.cards import get_provider
from payments.models import CardPayment, CardPaymentStatus
from payments.services import cards
from portal.api_tokens import InvalidApiToken, create_api_token
from portal.models import ApiToken
from portal.testing import grant_scope_permissions
from pricing.testing import PriceListFactory

pytestmark = pytest.mark.django_db

Scope = ApiToken.Scope
DEALERS = "/api/v1/dealers/"


def client_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.parametrize("scope", [Scope.DEALERS_READ, Scope.DEALERS_WRITE, Scope.DEALERS_APPROVE,
                                   Scope.CATALOG_WRITE, Scope.PAYMENTS_WRITE])
def test_a_staff_user_without_the_permission_gets_no_token_with_that_scope(scope):
    bare_staff = UserFactory(is_staff=True, email="bare@portal.example.com")
    with pytest.raises(InvalidApiToken) as refused:
        create_api_token(name="ERP", user=bare_staff, scopes=[scope], actor=StaffFactory())
    assert refused.value.code == "portal.invalid_api_token" and refused.value.field == "scopes"
    assert "bare@portal.example.com may not do what these scopes allow" in str(refused.value.message)
    assert not ApiToken.objects.exists()


def test_the_admin_form_refuses_a_scope_the_user_lacks(client):
    bare_staff = UserFactory(is_staff=True, email="bare@portal.example.com")
    client.force_login(StaffFactory())
    response = client.post(reverse("admin:portal_apitoken_add"), {
        "name": "ERP", "user": bare_staff.pk, "scopes": [Scope.DEALERS_READ]})
    assert response.status_code == 200
    assert "may not do what these scopes allow" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_loses_what_its_user_loses_at_request_time():
    dealer = DealerFactory()
    integration = grant_scope_permissions(UserFactory(is_staff=True), [Scope.DEALERS_READ])
    _token, key = create_api_token(name="ERP", user=integration, scopes=[Scope.DEALERS_READ], actor=StaffFactory())
    assert client_with(key).get(f"{DEALERS}{dealer.pk}/").status_code == 200
    integration.user_permissions.clear()
    response = client_with(key).get(f"{DEALERS}{dealer.pk}/")
    assert response.status_code == 403


def test_an_agents_token_reaches_only_its_assigned_dealers():
    mine, foreign = DealerFactory(), DealerFactory()
    agent = grant_scope_permissions(AgentFactory(dealers=[mine]), [Scope.DEALERS_READ])
    _token, key = create_api_token(name="agent's script", user=agent, scopes=[Scope.DEALERS_READ], actor=StaffFactory())
    client = client_with(key)
    assert client.get(f"{DEALERS}{mine.pk}/").status_code == 200
    assert client.get(f"{DEALERS}{foreign.pk}/").status_code == 404
    listed = client.get(DEALERS).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [mine.pk]


# --- the offline card page ----------------------------------------------------------------------------------------

@pytest.fixture
def started_card(settings):
    settings.CARD_PAYMENT_PROVIDER = "payments.cards.offline.OfflineTestProvider"
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    product = priced(PriceListFactory(kind="market"), "100.00", sku="CARD-1")
    order = ordering.place_order(actor=actor_of(owner), lines=[(product, 1)],
                                 checkout=ordering.Checkout(payment_method="card"))
    card, url = cards.start_card_payment(actor=actor_of(owner), order=order, return_url="http://testserver/back/")
    return card, url, owner


def test_the_offline_card_page_decides_only_for_who_started_the_payment(client, started_card):
    card, url, owner = started_card
    # Anyone else with the link: not signed in, another user of the same dealer, another dealer, plain staff.
    assert client.post(url, {"decision": "approve"}).status_code == 302  # to the login page
    strangers = [DealerUserFactory(dealer=owner.dealer, role=Role.BUYER), DealerUserFactory(role=Role.OWNER),
                 UserFactory(is_staff=True)]
    for stranger in strangers:
        client.force_login(stranger)
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "approve"}).status_code == 404
    assert get_provider().state(card.reference)["status"] == "pending"
    client.force_login(owner)
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "approve"}).status_code == 302
    assert get_provider().state(card.reference)["status"] == "authorised"
    card = cards.complete_card_authorisation(reference=card.reference)
    assert CardPayment.objects.get(pk=card.pk).status == CardPaymentStatus.AUTHORISED


def test_staff_keep_their_permission_checked_for_sessions_too():
    # A session (no token) of staff without the permission is refused as before; with it, allowed.
    staff = UserFactory(is_staff=True)
    client = APIClient()
    client.force_login(staff)
    assert client.get(DEALERS).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_dealer"))
    client.force_login(staff)
    assert client.get(DEALERS).status_code == 200
