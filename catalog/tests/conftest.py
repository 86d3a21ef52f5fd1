"""Fixtures of the catalog tests: a fake price provider (the dealer, its owner and actor come from the root conftest).

The catalog codes against the price hook's contract (catalog.prices), not the pricing app: `fake_prices`
swaps the registered provider for one that prices from a dict, and restores it afterwards."""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog import hooks as catalog_hooks


@dataclass
class FakeRule:
    kind: str
    label: str
    amount: Decimal
    detail: str = ""


@dataclass
class FakeCampaign:
    name: str
    ends_at: datetime.datetime


@dataclass
class FakeLine:
    product_id: int
    unit_price: Decimal | None
    market_price: Decimal | None = None
    currency: str = "TRY"
    quantity: Decimal = Decimal(1)
    rules: list = field(default_factory=list)
    breaks: list = field(default_factory=list)
    campaign: FakeCampaign | None = None
    line_net: Decimal | None = None
    saving: Decimal = Decimal("0.00")
    priced: bool = True


class FakeProvider:
    """Prices by product id: `table[pk] = (unit_price, market_price, campaign_name or None)`."""

    def __init__(self):
        self.table = {}
        self.calls = 0

    def set(self, product, unit_price, market_price=None, campaign=None):
        self.table[product.pk] = (Decimal(unit_price), Decimal(market_price) if market_price else None, campaign)

    def __call__(self, *, actor, products, quantities=None, on=None, version=None):
        self.calls += 1
        quantities = quantities or {}
        result = {}
        for item in products:
            pk = item if isinstance(item, int) else item.pk
            if pk not in self.table:
                continue
            unit, market, campaign = self.table[pk]
            quantity = Decimal(quantities.get(pk) or 1)
            result[pk] = FakeLine(
                product_id=pk, unit_price=unit, market_price=market, quantity=quantity,
                rules=[FakeRule("market", "Market price", market or unit),
                       FakeRule("segment", "Segment discount", unit, "10 % off")],
                breaks=[(Decimal(1), unit), (Decimal(100), (unit * Decimal("0.9")).quantize(Decimal("0.01")))],
                campaign=FakeCampaign(campaign, timezone.now() + datetime.timedelta(days=5)) if campaign else None,
                line_net=(unit * quantity).quantize(Decimal("0.01")),
                saving=((market or unit) - unit) * quantity,
            )
        return result


def _not_cached(**kwargs):
    return None


@pytest.fixture
def fake_prices():
    provider = FakeProvider()
    with catalog_hooks.price_provider.registered(provider), catalog_hooks.price_context_key.registered(_not_cached):
        yield provider


@pytest.fixture
def no_prices():
    """No price provider at all (pricing not installed yet): the catalog hides prices."""
    with catalog_hooks.price_provider.registered(lambda **kwargs: {}), \
            catalog_hooks.price_context_key.registered(_not_cached):
        yield


