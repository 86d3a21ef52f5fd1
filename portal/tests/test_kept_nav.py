"""The header's links are kept per language and actor profile (portal_tags.kept_for_actor, issue 18): each reader
still sees the links of its own role and dealer status, its own cart count, and staff their own links."""
import pytest
from django.urls import reverse

from dealers.models import Dealer
from portal.templatetags import portal_tags

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty():
    portal_tags._KEPT.clear()
    yield
    portal_tags._KEPT.clear()


def _nav(client, user, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    html = client.get(reverse("dealers:dashboard") if user.dealer_id else "/").content.decode()
    return html[html.index('<nav class="main-nav"'):html.index("</nav>", html.index('<nav class="main-nav"'))]


def test_each_role_sees_its_own_links_whoever_came_first(client, owner, finance, viewer):
    for _round in range(2):  # the second round reads the kept parts
        owner_nav, finance_nav, viewer_nav = _nav(client, owner), _nav(client, finance), _nav(client, viewer)
        assert "nav-cart" in owner_nav and "nav-invoices" in owner_nav and "nav-quotes" in owner_nav
        assert "nav-cart" not in finance_nav and "nav-invoices" in finance_nav and "nav-quotes" not in finance_nav
        assert "nav-cart" not in viewer_nav and "nav-invoices" not in viewer_nav and "nav-shipments" in viewer_nav


def test_the_cart_count_is_each_users_own(client, owner, buyer):
    from orders.testing import CartFactory, CartLineFactory

    cart = CartFactory(dealer=owner.dealer, user=owner)
    CartLineFactory(cart=cart)
    CartLineFactory(cart=cart)
    assert '<span class="cart-count">2</span>' in _nav(client, owner)
    assert '<span class="cart-count">0</span>' in _nav(client, buyer)
    assert '<span class="cart-count">2</span>' in _nav(client, owner)


def test_the_language_is_the_readers(client, owner):
    assert ">My account<" in _nav(client, owner, "en")
    assert ">My account<" not in _nav(client, owner, "tr")


def test_a_suspended_dealers_user_is_not_shown_an_approved_dealers_links(client, owner, dealer):
    assert "nav-invoices" in _nav(client, owner)
    Dealer.objects.filter(pk=dealer.pk).update(status=Dealer.Status.SUSPENDED)
    client.force_login(owner)
    html = client.get(reverse("dealers:status")).content.decode()
    assert "nav-invoices" not in html and "nav-shipments" not in html


def _nav_parts():
    return {key for key in portal_tags._KEPT if key[0] in ("nav-links", "nav-more-links")}


def test_staff_are_not_kept(client, owner, agent):
    _nav(client, owner)
    kept = _nav_parts()
    client.force_login(agent)
    html = client.get(reverse("dealers:agent_dealers")).content.decode()
    assert reverse("dealers:agent_dealers") in html  # "My dealers": a sales agent's own link
    assert _nav_parts() == kept  # the user menu (the admin link for staff, the name put in) may be kept
