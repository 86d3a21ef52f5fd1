"""dealers/permissions.py answers the (actor, object) questions every caller asks; NotAllowed is 403 wherever raised."""
import pytest

from dealers import permissions
from dealers.errors import NotAllowed
from dealers.models import Role
from dealers.testing import AddressFactory, AgentFactory, DealerFactory, DealerUserFactory, StaffFactory
from portal.actors import Actor

pytestmark = pytest.mark.django_db


def test_status_moves_dealer_edits_and_terms_are_for_staff_only(dealer, owner):
    staff = StaffFactory()
    agent = AgentFactory(dealers=[dealer])
    for question in (permissions.may_change_status, permissions.may_edit_dealer, permissions.may_publish_terms):
        assert question(staff, dealer)
        assert question(Actor(user=staff, dealer=dealer), dealer)
        assert not question(Actor(user=agent, dealer=dealer, on_behalf=True), dealer)
        assert not question(owner, dealer) and not question(None, dealer)


@pytest.mark.parametrize("role", list(Role))
def test_the_company_profile_is_its_owners_and_staffs(dealer, role):
    user = DealerUserFactory(dealer=dealer, role=role)
    assert permissions.may_edit_company(Actor(user=user, dealer=dealer), dealer) == (role == Role.OWNER)
    assert not permissions.may_edit_staff_fields(Actor(user=user, dealer=dealer), dealer)
    assert permissions.may_edit_company(Actor(user=StaffFactory(), dealer=dealer), dealer)
    agent = AgentFactory(dealers=[dealer])
    assert not permissions.may_edit_company(Actor(user=agent, dealer=dealer, on_behalf=True), dealer)


def test_addresses_and_users_of_another_dealer_are_never_the_actors(dealer, owner):
    actor = Actor(user=owner, dealer=dealer)
    assert permissions.may_change_address(actor, None)
    assert permissions.may_change_address(actor, AddressFactory(dealer=dealer))
    assert not permissions.may_change_address(actor, AddressFactory(dealer=DealerFactory()))
    assert permissions.may_change_user(actor, DealerUserFactory(dealer=dealer, role=Role.BUYER))
    assert not permissions.may_change_user(actor, DealerUserFactory(role=Role.BUYER))
    agent = Actor(user=AgentFactory(dealers=[dealer]), dealer=dealer, on_behalf=True)
    assert permissions.may_change_address(agent, None)  # agents check out for the dealer
    assert not permissions.may_change_user(agent, owner)  # never its users


def test_require_raises_the_one_not_allowed_with_403():
    permissions.require(True)
    with pytest.raises(NotAllowed) as refused:
        permissions.require(False)
    assert refused.value.code == "dealers.not_allowed" and refused.value.http_status == 403
    assert refused.value.as_dict()["code"] == "dealers.not_allowed"
