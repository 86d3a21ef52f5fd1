"""Fixtures of the quote tests: the owner and agent with names that the quote pages, PDFs and mails show, an admin,
products priced by a market list (one with a Turkish and one with a Chinese name), and a fake order maker registered
in place of the orders stage's (restored afterwards). The other users in every role, the other dealer and its agent
come from the root conftest."""
import threading
import time
from decimal import Decimal
from types import SimpleNamespace

import pytest

from catalog.models import Unit
from dealers.models import Role
from dealers.testing import AgentFactory, DealerUserFactory, StaffFactory
from portal.testing import actor_of
from pricing import hooks as pricing_hooks
from pricing import services
from pricing.testing import CatalogProductFactory, PriceListFactory, PriceListItemFactory, send, valid_in

__all__ = [  # what `from .quote_fixtures import *` in conftest.py gives the quote tests
    "CHINESE_NAME", "TURKISH_NAME", "FakeOrderMaker", "actor_of", "admin_user", "agent", "chinese", "market",
    "no_order_maker", "order_maker", "owner", "panel", "priced", "requested", "send", "sent", "turkish", "valid_in",
]

TURKISH_NAME = "Çelik kablo kanalı IŞIK ğüşöç"
CHINESE_NAME = "智能面板灯 六十厘米"


def priced(market, price, **fields):
    product = CatalogProductFactory(**fields)
    PriceListItemFactory(price_list=market, product=product, unit_price=Decimal(price))
    return product


class FakeOrderMaker:
    """Stands in for the orders stage: records each call and returns an object with a number."""

    def __init__(self, delay=0.0):
        self.calls = []
        self.delay = delay
        self._lock = threading.Lock()

    def __call__(self, *, actor, quote, revision):
        if self.delay:
            time.sleep(self.delay)  # widens the window in which a second acceptance could slip through
        with self._lock:
            self.calls.append({"actor": actor, "quote": quote.number, "revision": revision.number,
                               "gross": revision.snapshot["totals"]["gross"]})
            return SimpleNamespace(number=f"ORD-FAKE-{len(self.calls):04d}")


@pytest.fixture
def order_maker():
    maker = FakeOrderMaker()
    with pricing_hooks.order_maker.registered(maker):
        yield maker


@pytest.fixture
def no_order_maker():
    """Nobody registered on pricing.order_maker (the orders stage not installed)."""
    with pricing_hooks.order_maker.unregistered():
        yield


# Overrides the root `market` and `panel`: the quote tests' products are in pricing's sub-category, with Q- SKUs.
@pytest.fixture
def market(db):
    return PriceListFactory(kind="market", name="Market 2026")


@pytest.fixture
def panel(market, sub_category):
    """Sold by the piece, from 1, at 100.00."""
    return priced(market, "100.00", sku="Q-LED-600", name="LED panel 60x60", category=sub_category)


@pytest.fixture
def turkish(market, sub_category):
    """Sold by the box: at least 10, in multiples of 5, at 12.50."""
    return priced(market, "12.50", sku="Q-CELIK-25", name=TURKISH_NAME, category=sub_category, unit=Unit.BOX,
                  min_order_quantity=Decimal(10), order_multiple=Decimal(5))


@pytest.fixture
def chinese(market, sub_category):
    return priced(market, "45.00", sku="Q-ZH-60", name=CHINESE_NAME, category=sub_category)


# Overrides the root `owner` and `agent`: names with Turkish letters, as the quote pages, PDFs and mails show them.
@pytest.fixture
def owner(dealer):
    return DealerUserFactory(dealer=dealer, role=Role.OWNER, first_name="Ayşe")


@pytest.fixture
def agent(dealer):
    return AgentFactory(dealers=[dealer], first_name="Kemal", last_name="Agent")


# Overrides pytest-django's `admin_user`: the admin who prepares quotes, named in the quote history.
@pytest.fixture
def admin_user(db):
    return StaffFactory(first_name="Selin", last_name="Admin")


@pytest.fixture
def requested(owner, panel, chinese):
    """A quote the owner asked for: 3 panels, 7 Chinese panels."""
    return services.request_quote(actor=actor_of(owner), lines=[(panel, 3), (chinese, 7)], note="Project Ankara")




@pytest.fixture
def sent(requested, agent):
    """The owner's request, sent by the dealer's agent as revision 1 (valid for 10 days)."""
    return send(agent, requested)
