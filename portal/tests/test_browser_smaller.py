"""Smaller things a person meets in Chromium: "/" after logging in leads to one's work (a dealer's dashboard, an
agent's dealers), the home page promises only what exists, the quote editor's price columns say what they are, the
quote request's example names real products, and the favicon is there."""
from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.testing import ProductFactory
from dealers.models import Role
from dealers.testing import PASSWORD, AgentFactory, DealerFactory, DealerUserFactory
from portal.actors import Actor
from portal.testing import log_in
from pricing import services
from pricing.testing import PriceListFactory, PriceListItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dealer_lands_on_its_dashboard_and_a_visitor_on_the_home_page(live_server, page):
    dealer = DealerFactory(legal_name="Kaya Elektrik Ticaret Ltd. Şti.", trade_name="Kaya Elektrik")
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    base = live_server.url

    page.goto(base + "/")
    assert "The dealer portal of" in page.locator("h1").inner_text()

    log_in(page, base, owner.email, PASSWORD, dealer.code)
    assert page.url == base + "/account/"
    assert page.locator("h1").inner_text() == str(dealer)
    page.goto(base + "/")  # the logo, a bookmark
    assert page.url == base + "/account/"
    assert "The dealer portal of" not in page.content()


def test_an_agent_lands_on_its_dealers_and_acting_for_one_on_its_dashboard(live_server, page):
    dealer = DealerFactory(legal_name="Trakya Yapı A.Ş.", trade_name="Trakya Yapı")
    agent = AgentFactory(dealers=[dealer])
    base = live_server.url

    log_in(page, base, agent.email, PASSWORD)
    assert page.locator("h1").inner_text() == "My dealers"
    page.locator(f"tr[data-dealer='{dealer.code}'] button[type=submit]").click()
    page.locator("#acting-banner").wait_for()
    page.locator("header a.brand").click()
    page.wait_for_load_state()
    assert page.url == base + "/account/"
    assert page.locator("h1").inner_text() == str(dealer)
    assert "Acting for Trakya Yapı" in page.locator("#acting-banner").inner_text()


def test_the_home_page_promises_only_what_the_portal_does(live_server, page):
    page.goto(live_server.url + "/")
    text = page.locator("main").inner_text()
    assert "order on account against your credit limit" in text
    assert "Your team" in text
    for promise in ("shipment", "Shipment", "delivery step by step", "support ticket", "get support"):
        assert promise not in text, promise


def test_the_quote_editor_names_each_price_column(live_server, page):
    dealer = DealerFactory()
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    agent = AgentFactory(dealers=[dealer])
    market = PriceListFactory(kind="market")
    product = ProductFactory(sku="LED-PRJ-50", name="LED Projektör 50W", stock_quantity=Decimal(100))
    PriceListItemFactory(price_list=market, product=product, unit_price=Decimal("250.00"))
    quote = services.request_quote(actor=Actor(user=owner, dealer=dealer), lines=[(product, 4)])
    base = live_server.url

    log_in(page, base, agent.email, PASSWORD)
    page.locator(f"tr[data-dealer='{dealer.code}'] button[type=submit]").click()
    page.locator("#acting-banner").wait_for()
    page.goto(f"{base}/quotes/{quote.number}/edit/")
    headers = [h.strip() for h in page.locator("#editor-lines thead th").all_inner_texts()]
    assert headers[2:6] == ["List net unit price", "Negotiated net unit price", "or discount (%)",
                            "Quoted net unit price"]
    assert "Net unit price" not in headers
    new_headers = [h.strip() for h in page.locator("#editor-new-lines thead th").all_inner_texts()]
    assert "Negotiated net unit price" in new_headers
    row = page.locator("#editor-lines tr[data-sku='LED-PRJ-50']")
    assert "250.00" in row.locator("td").nth(2).inner_text()  # the list price, under its title


def test_the_quote_request_example_names_products_of_the_catalog(live_server, page):
    dealer = DealerFactory()
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    ProductFactory(sku="KB-NYM-325", name="NYM kablo 3x2.5")
    ProductFactory(sku="AA-PRJ-50", name="LED Projektör 50W")
    ProductFactory(sku="AA-OLD-01", name="Discontinued", active=False)
    base = live_server.url

    log_in(page, base, owner.email, PASSWORD, dealer.code)
    page.goto(base + "/quotes/new/")
    example = page.locator("#id_lines").get_attribute("placeholder")
    assert example.splitlines() == ["AA-PRJ-50 10", "KB-NYM-325 5"]
    for line in example.splitlines():
        assert Product.objects.filter(sku=line.split()[0], active=True).exists()


def test_the_favicon_is_served_to_the_site_and_the_admin(live_server, page):
    response = page.request.get(live_server.url + "/favicon.ico")
    assert response.status == 200 and response.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page.goto(live_server.url + "/admin/login/")
    href = page.locator("link[rel=icon][sizes=any]").get_attribute("href")
    assert page.request.get(live_server.url + href).status == 200
