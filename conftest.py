"""Fixtures every app's tests share: a dealer with a user in each role, another dealer, a sales agent, staff of each
kind, API token clients. Factories are in `<app>/testing.py`; the plugin `portal.testing` (pytest.ini) adds the
broker, the Celery workers, the browser and the shared helpers (`actor_of`, `log_in`, `run_together`...).

An app's own conftest may override a fixture for its tests (pricing's dealer is in the Gold segment, payments'
dealer has a credit account) and says why; everything else comes from here.
"""
import pytest
from django.utils import translation

from portal.testing import actor_of, grant_scope_permissions, token_client_for


@pytest.fixture(autouse=True)
def _language_of_the_site():
    """Every test starts in the site's language and leaves none behind: a page asked for in Turkish activates
    Turkish in the test's thread (LocaleMiddleware), which must not leak into the next test."""
    translation.activate("en")
    yield
    translation.activate("en")

# --- dealers and their users -----------------------------------------------------------------------------------


@pytest.fixture
def dealer(db):
    """An approved dealer with a code, in the default segment."""
    from dealers.testing import DealerFactory

    return DealerFactory()


@pytest.fixture
def other_dealer(db):
    """A second approved dealer: what one dealer may not see or do of another's."""
    from dealers.testing import DealerFactory

    return DealerFactory()


def _user(dealer, role, **fields):
    from dealers.testing import DealerUserFactory

    return DealerUserFactory(dealer=dealer, role=role, **fields)


@pytest.fixture
def owner(dealer):
    return _user(dealer, "owner")


@pytest.fixture
def buyer(dealer):
    return _user(dealer, "buyer")


@pytest.fixture
def approver(dealer):
    return _user(dealer, "approver")


@pytest.fixture
def finance(dealer):
    """The dealer's finance user (a dealer role; finance staff of the portal is `finance_staff`)."""
    return _user(dealer, "finance")


@pytest.fixture
def viewer(dealer):
    return _user(dealer, "viewer")


@pytest.fixture
def other_owner(other_dealer):
    return _user(other_dealer, "owner")


@pytest.fixture
def actor(owner):
    """The owner acting for its own dealer."""
    return actor_of(owner)


@pytest.fixture
def owner_actor(actor):
    return actor


# --- staff of the portal ---------------------------------------------------------------------------------------


@pytest.fixture
def staff(db):
    """A superuser of the admin (every permission), named Selin Admin in history rows."""
    from dealers.testing import StaffFactory

    return StaffFactory(first_name="Selin", last_name="Admin")


@pytest.fixture
def staff_client(client, staff):
    """The test client logged in as `staff` (also `client.staff`)."""
    client.force_login(staff)
    client.staff = staff
    return client


@pytest.fixture
def plain_staff(db):
    """A staff user with no permission of its own and not a superuser: the admin shows them nothing to change."""
    from dealers.testing import UserFactory

    return UserFactory(is_staff=True)


@pytest.fixture
def finance_staff(db):
    """A staff user who records payments, issues credit notes and voids invoices; not a superuser."""
    from payments.testing import FinanceStaffFactory

    return FinanceStaffFactory()


@pytest.fixture
def agent(dealer):
    """A sales agent (staff, in the Sales agents group) assigned to `dealer`."""
    from dealers.testing import AgentFactory

    return AgentFactory(dealers=[dealer])


@pytest.fixture
def other_agent(other_dealer):
    from dealers.testing import AgentFactory

    return AgentFactory(dealers=[other_dealer])


@pytest.fixture
def agent_actor(agent, dealer):
    """The agent acting for `dealer`."""
    return actor_of(agent, dealer)


# --- API clients -----------------------------------------------------------------------------------------------


@pytest.fixture
def token_client(db):
    """Make an API client with a fresh token: `token_client(user, *scopes)`. With `user=None` the token's user is a new
    staff integration user holding just the permissions its scopes need (a token carries no more than its user may
    do). The token is `client.token`."""

    def make(user=None, *scopes):
        if user is None:
            from dealers.testing import UserFactory

            user = grant_scope_permissions(UserFactory(is_staff=True), scopes)
        return token_client_for(user, scopes)

    return make


@pytest.fixture
def session_api_client(db):
    """Make an API client logged in with a session: `session_api_client(user)`."""
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def signed_in(client, owner):
    """The test client logged in as the dealer's owner."""
    client.force_login(owner)
    return client


# --- what an order needs ---------------------------------------------------------------------------------------


@pytest.fixture
def market(db):
    """The market price list: what every dealer pays unless a segment or dealer list says otherwise."""
    from pricing.testing import PriceListFactory

    return PriceListFactory(kind="market", name="Market 2026")


@pytest.fixture
def panel(market):
    """LED-600, sold by the piece from 1, at 100.00 in the market list."""
    from orders.testing import priced

    return priced(market, "100.00", sku="LED-600", name="LED panel 60x60")


@pytest.fixture
def addresses(dealer):
    """The dealer's default shipping and billing addresses (what checkout needs), as (shipping, billing)."""
    from orders.testing import with_addresses

    with_addresses(dealer)
    return tuple(dealer.addresses.order_by("kind").reverse())


# --- the browser -----------------------------------------------------------------------------------------------


@pytest.fixture
def browser_log_in(page, live_server):
    """Log `page` in as a user through the login page: `browser_log_in(user)` (a dealer user with its dealer code,
    staff without); returns the page. The user's password is the factories' PASSWORD."""
    from dealers.testing import PASSWORD
    from portal.testing import log_in

    def log_in_as(user, password=PASSWORD):
        dealer = getattr(user, "dealer", None)
        log_in(page, live_server.url, user.email, password, dealer.code if dealer is not None else "")
        return page

    return log_in_as
