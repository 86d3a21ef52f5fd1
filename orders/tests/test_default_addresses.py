"""An order's default addresses are read with a query built once per process (ordering._default_addresses, issue
18): the same rows as the ORM's filter, for the dealer asked only."""
from types import SimpleNamespace

import pytest

from dealers.models import Address
from dealers.testing import DealerFactory
from orders.services.ordering import _dealer_addresses

pytestmark = pytest.mark.django_db

S, B = Address.Kind.SHIPPING, Address.Kind.BILLING


def _values(address):
    return {field.attname: getattr(address, field.attname) for field in Address._meta.concrete_fields}


def _address(dealer, kind, label, default):
    return Address.objects.create(dealer=dealer, kind=kind, label=label, line1="Sanayi 1", city="Ankara",
                                  is_default=default)


def test_the_default_addresses_are_the_orms_for_each_dealer(django_assert_num_queries):
    first, second, bare = DealerFactory(), DealerFactory(), DealerFactory()
    _address(first, S, "Depot", True)
    _address(first, S, "Other depot", False)
    _address(first, B, "Head office", True)
    _address(second, B, "Accounts", True)
    for dealer in (first, second, bare):
        actor = SimpleNamespace(dealer=dealer)
        for wanted in ({B: None, S: None}, {B: None}, {S: ""}):
            orm = {}
            for address in Address.objects.filter(dealer=dealer, is_default=True, kind__in=list(wanted)):
                orm.setdefault(address.kind, address)
            with django_assert_num_queries(1):
                found = _dealer_addresses(actor, wanted)
            assert {k: _values(a) for k, a in found.items()} == {k: _values(a) for k, a in orm.items()}
    assert set(_dealer_addresses(SimpleNamespace(dealer=first), {B: None, S: None})) == {B, S}
    assert set(_dealer_addresses(SimpleNamespace(dealer=second), {B: None, S: None})) == {B}
