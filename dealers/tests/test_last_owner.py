"""The last owner who can sign in stays: an invited owner who never set a password does not count."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dealers.models import Role, User
from dealers.services.accounts import accept_invitation
from dealers.testing import DealerUserFactory

USERS = reverse("api:me-users-list")


def user_url(user):
    return reverse("api:me-users-detail", args=[user.pk])


@pytest.fixture
def signed_in_owner(owner):
    client = APIClient()
    client.force_login(owner)
    return client


def invite_owner(client):
    response = client.post(USERS, {"email": "ghost@d.example.com", "first_name": "Gh", "last_name": "Ost",
                                   "role": "owner"}, format="json")
    assert response.status_code == 201, response.content
    return User.objects.get(email="ghost@d.example.com")


def test_the_last_owner_who_can_sign_in_cannot_deactivate_itself_behind_an_invited_owner(owner, signed_in_owner):
    invited = invite_owner(signed_in_owner)
    response = signed_in_owner.patch(user_url(owner), {"is_active": False}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "dealers.last_owner"
    response = signed_in_owner.patch(user_url(owner), {"role": "buyer"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "dealers.last_owner"
    owner.refresh_from_db()
    assert owner.is_active and owner.role == Role.OWNER and invited.is_active


def test_once_the_invited_owner_has_set_a_password_the_first_owner_may_step_down(owner, signed_in_owner):
    invited = invite_owner(signed_in_owner)
    accept_invitation(user=invited, password="a long fresh password 42")
    response = signed_in_owner.patch(user_url(owner), {"is_active": False}, format="json")
    assert response.status_code == 200
    owner.refresh_from_db()
    assert not owner.is_active


def test_an_invited_owner_may_be_withdrawn_while_a_real_owner_stays(owner, signed_in_owner):
    invited = invite_owner(signed_in_owner)
    response = signed_in_owner.patch(user_url(invited), {"is_active": False}, format="json")
    assert response.status_code == 200
    invited.refresh_from_db()
    assert not invited.is_active


def test_a_company_whose_only_owner_is_still_invited_keeps_that_owner(dealer):
    invited = DealerUserFactory(dealer=dealer, role="owner")
    invited.set_unusable_password()
    invited.save()
    from dealers.errors import LastOwner
    from dealers.services.accounts import check_keeps_an_owner
    with pytest.raises(LastOwner):
        check_keeps_an_owner(user=invited, role=Role.OWNER, is_active=False)
