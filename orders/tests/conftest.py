"""Fixtures of the orders tests: an approved dealer with users in every role, an agent acting for it, another
dealer, and products priced by a market price list (the real price engine prices every cart)."""
from decimal import Decimal

import pytest

from catalog.models import Unit
from dealers.models import Role
from dealers.tests.factories import AgentFactory, DealerFactory, DealerUserFactory
from orders.models import CartLine
from portal.actors import Actor
from pricing.tests.factories import PriceListFactory, PriceListItemFactory

from .factories import OrdersProductFactory


def actor_of(user, dealer=None) -> Actor:
    """A dealer user's actor, or (with `dealer`) an agent acting for that dealer."""
    if dealer is not None:
        return Actor(user=user, dealer=dealer, on_behalf=True)
    return Actor(user=user, dealer=user.dealer)


@pytest.fixture
def dealer(db):
    return DealerFactory()


@pytest.fixture
def other_dealer(db):
    return DealerFactory()


@pytest.fixture
def owner(dealer):
    return DealerUserFactory(dealer=dealer, role=Role.OWNER)


@pytest.fixture
def buyer(dealer):
    return DealerUserFactory(dealer=dealer, role=Role.BUYER)


@pytest.fixture
def actor(owner):
    return actor_of(owner)


@pytest.fixture
def agent(dealer):
    return AgentFactory(dealers=[dealer])


@pytest.fixture
def agent_actor(agent, dealer):
    return actor_of(agent, dealer)


@pytest.fixture
def market(db):
    return PriceListFactory(kind="market", name="Market 2026")


def priced(market, price="100.00", **fields):
    product = OrdersProductFactory(**fields)
    PriceListItemFactory(price_list=market, product=product, unit_price=Decimal(price))
    return product


@pytest.fixture
def panel(market):
    """Sold by the piece, from 1."""
    return priced(market, "100.00", sku="LED-600", name="LED panel 60x60")


@pytest.fixture
def boxed(market):
    """Sold by the box: at least 10, in multiples of 5."""
    return priced(market, "12.50", sku="CAB-3X25", name="Cable 3x2.5 box", unit=Unit.BOX,
                  min_order_quantity=Decimal(10), order_multiple=Decimal(5))


@pytest.fixture
def cable(market):
    """Sold by the metre, in fractions."""
    return priced(market, "4.20", sku="KB-1", name="NYM cable", unit=Unit.METRE, min_order_quantity=Decimal("0.5"),
                  order_multiple=Decimal("0.5"))


@pytest.fixture
def retired(market):
    return priced(market, "50.00", sku="OLD-1", name="Retired lamp", active=False)


def with_addresses(dealer, shipping="Ankara depot", billing="Head office"):
    """A dealer with a default shipping and a default billing address (what checkout needs)."""
    from dealers.models import Address
    from dealers.tests.factories import AddressFactory

    AddressFactory(dealer=dealer, kind=Address.Kind.SHIPPING, is_default=True, label=shipping)
    AddressFactory(dealer=dealer, kind=Address.Kind.BILLING, is_default=True, label=billing)
    return dealer


@pytest.fixture
def addresses(dealer):
    with_addresses(dealer)
    return tuple(dealer.addresses.order_by("kind").reverse())  # (shipping, billing)


def paste_into_cart(page, base, lines):
    """In the browser: paste `lines` into quick order, then open the cart."""
    page.goto(base + "/orders/cart/quick/")
    page.fill("#id_lines", lines)
    page.click("#quick-order-form button[type=submit]")
    page.wait_for_load_state()
    page.goto(base + "/orders/cart/")


@pytest.fixture
def signed_in(client, owner):
    """The test client signed in as the dealer's owner."""
    client.force_login(owner)
    return client


def cart_of(user, dealer=None):
    """{SKU: quantity} of the cart of `user` (acting for `dealer`, or an Actor as it is)."""
    actor = user if isinstance(user, Actor) else actor_of(user, dealer)
    return {line.product.sku: line.quantity for line in CartLine.objects.of(actor).select_related("product")}
