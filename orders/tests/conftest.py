"""Fixtures of the orders tests: products sold by the box, by the metre, and retired, priced by the market list.
The dealer, its users, the agent, the market list, the LED panel and the addresses come from the root conftest;
`priced`, `with_addresses`, `cart_of`... are in orders.testing."""
from decimal import Decimal

import pytest

from catalog.models import Unit
from orders.testing import priced


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
