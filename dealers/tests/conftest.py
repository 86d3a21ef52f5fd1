"""Fixtures of the dealers tests."""
import pytest

from portal.actors import Actor

from .factories import DealerFactory, DealerUserFactory


@pytest.fixture
def dealer(db):
    return DealerFactory()


@pytest.fixture
def owner(dealer):
    return DealerUserFactory(dealer=dealer, role="owner")


@pytest.fixture
def owner_actor(owner):
    return Actor(user=owner, dealer=owner.dealer)
