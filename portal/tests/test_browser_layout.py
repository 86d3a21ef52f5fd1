"""Layout a user notices in a real Chromium: on a 1280 px desktop, in Turkish (long words), the header's menu and
the order list's filters each keep to one line."""
import pytest

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from orders.services import ordering
from orders.testing import actor_of, priced, with_addresses
from portal.testing import log_in
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_menu_and_the_order_filters_keep_to_one_line_on_a_desktop_in_turkish(live_server, page):
    dealer = with_addresses(DealerFactory())
    product = priced(PriceListFactory(kind="market"), "100.00", sku="LED-600", stock_quantity=100)
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="sahip@card.example.com", language="tr",
                              first_name="Ayşegül", last_name="Karaosmanoğlu")
    ordering.place_order(actor=actor_of(owner), lines=[(product, 1)], checkout=ordering.Checkout())
    log_in(page, live_server.url, owner.email, PASSWORD, dealer.code)
    page.goto(live_server.url + "/orders/")
    assert page.locator("h1").inner_text() == "Siparişler"
    links = page.locator(".main-nav a")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1, f"the menu wraps onto {len(tops)} lines"
    labels = page.locator("#order-filters label")
    tops = [labels.nth(i).bounding_box()["y"] for i in range(labels.count())]
    assert max(tops) - min(tops) < 20, "the filters wrap onto a second row"  # a wrapped row is about 60 px lower
