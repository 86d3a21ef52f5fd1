"""Fixtures of the quote tests: a dealer with users in every role, its agent, another dealer with its agent, an
admin, products priced by a market list (one with a Turkish and one with a Chinese name), and a fake order maker
registered in place of the orders stage's (restored afterwards)."""
import datetime
import threading
import time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from catalog.models import Unit
from dealers.models import Role
from dealers.tests.factories import AgentFactory, DealerUserFactory, StaffFactory
from portal.actors import Actor
from pricing import services
from pricing.services import quotes as quote_services

from .factories import CatalogProductFactory, PriceListFactory, PriceListItemFactory

TURKISH_NAME = "Çelik kablo kanalı IŞIK ğüşöç"
CHINESE_NAME = "智能面板灯 六十厘米"


def actor_of(user, dealer=None) -> Actor:
    """A dealer user's actor, or (with `dealer`) an agent acting for that dealer."""
    if dealer is not None:
        return Actor(user=user, dealer=dealer, on_behalf=True)
    return Actor(user=user, dealer=user.dealer)


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
    previous = quote_services.get_order_maker()
    maker = FakeOrderMaker()
    services.register_order_maker(maker)
    yield maker
    services.register_order_maker(previous)


@pytest.fixture
def no_order_maker():
    previous = quote_services.get_order_maker()
    services.register_order_maker(None)
    yield
    services.register_order_maker(previous)


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


@pytest.fixture
def owner(dealer):
    return DealerUserFactory(dealer=dealer, role=Role.OWNER, first_name="Ayşe")


@pytest.fixture
def buyer(dealer):
    return DealerUserFactory(dealer=dealer, role=Role.BUYER)


@pytest.fixture
def viewer(dealer):
    return DealerUserFactory(dealer=dealer, role=Role.VIEWER)


@pytest.fixture
def finance(dealer):
    return DealerUserFactory(dealer=dealer, role=Role.FINANCE)


@pytest.fixture
def other_owner(other_dealer):
    return DealerUserFactory(dealer=other_dealer, role=Role.OWNER)


@pytest.fixture
def agent(dealer):
    return AgentFactory(dealers=[dealer], first_name="Kemal", last_name="Agent")


@pytest.fixture
def other_agent(other_dealer):
    return AgentFactory(dealers=[other_dealer])


@pytest.fixture
def admin_user(db):
    return StaffFactory(first_name="Selin", last_name="Admin")


@pytest.fixture
def requested(owner, panel, chinese):
    """A quote the owner asked for: 3 panels, 7 Chinese panels."""
    return services.request_quote(actor=actor_of(owner), lines=[(panel, 3), (chinese, 7)], note="Project Ankara")


def valid_in(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def send(by, quote, *, valid_days=10, lines=None, **header):
    """Prepare (a validity in `valid_days` days, optional lines) and send: the next revision."""
    services.update_quote(by=by, quote=quote, header={"valid_until": valid_in(valid_days), **header}, lines=lines)
    return services.send_quote(by=by, quote=quote)


@pytest.fixture
def sent(requested, agent):
    """The owner's request, sent by the dealer's agent as revision 1 (valid for 10 days)."""
    return send(agent, requested)
