"""Phone width (390 × 844) in a real Chromium, in English and in Turkish (longer words): no main page of a dealer or
of a sales agent scrolls sideways; the cart's line cards keep quantity, total and "Remove" on screen; the catalog's
filters wait behind a "Filters" button; the header keeps "Log out" on the logo's row."""
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from catalog.models import Unit
from dealers.models import Role
from dealers.testing import PASSWORD, AgentFactory, DealerFactory, DealerUserFactory, StaffFactory
from orders import services as order_services
from orders.services import ordering
from orders.testing import SavedListFactory, SavedListLineFactory, actor_of, priced, with_addresses
from payments.services import invoices
from portal.testing import log_in
from pricing.services.quotes import request_quote
from pricing.testing import PriceListFactory, send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _trade(language):
    """A dealer with every kind of page filled: products, a placed and invoiced order, a quote, a saved list, a cart
    with lines, an agent. Long names, as real catalogs have them."""
    dealer = with_addresses(DealerFactory(legal_name="Karaosmanoğlu Elektrik Aydınlatma Sanayi ve Ticaret Limited Şirketi",
                                            trade_name="Karaosmanoğlu Elektrik Aydınlatma"))
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email=f"sahip-{language}@phone.example.com",
                              language=language, first_name="Ayşegül", last_name="Karaosmanoğlu")
    market = PriceListFactory(kind="market")
    products = [
        priced(market, "1765.18", sku="A-0911-111", name="ANADOLU Endüstriyel Yüksek Verimli LED Panel 60x60 4000K",
               stock_quantity=500, description="<table><tr>" + "<td>Işık akısı 3600 lm / 4000 K</td>" * 8
               + "</tr></table>"),
        priced(market, "12.50", sku="CAB-3X25-NYM", name="Kablo NYM 3x2,5 mm² (kutu)", unit=Unit.BOX,
               stock_quantity=500, min_order_quantity=Decimal(10), order_multiple=Decimal(5)),
        priced(market, "2481.00", sku="BB-1730-130", name="ANADOLU Bakır Boru 4A Sertleştirilmiş", unit=Unit.METRE,
               stock_quantity=900),
    ]
    actor = actor_of(owner)
    order = ordering.place_order(actor=actor, lines=[(products[0], 12), (products[2], 30)],
                                 checkout=ordering.Checkout())
    with transaction.atomic():
        invoice = invoices.issue_invoice(order=order, actor=StaffFactory())
    quote = request_quote(actor=actor, lines=[(products[0], 40), (products[1], 250)],
                          note="Şantiye teslimi, acil değil.")
    saved = SavedListFactory(dealer=dealer, name="Aylık stok yenileme — şantiye ve depo")
    SavedListLineFactory(saved_list=saved, product=products[1], quantity=Decimal(20))
    order_services.add_lines_to_cart(actor=actor, lines=[(products[0], 300), (products[1], 1500),
                                                         (products[2], 400)])
    agent = AgentFactory(dealers=[dealer], email=f"temsilci-{language}@phone.example.com", language=language)
    sent = request_quote(actor=actor, lines=[(products[2], 60)])
    send(agent, sent)
    return dealer, owner, agent, products, order, invoice, quote, saved, sent


def _phone(browser, language):
    context = browser.new_context(locale="tr-TR" if language == "tr" else "en-US", viewport=PHONE)
    context.set_default_timeout(15000)
    return context, context.new_page()


def _sideways(page, url) -> str | None:
    """None when the page fits 390 px, else what is wrong (the page's width)."""
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    width = page.evaluate("document.documentElement.scrollWidth")
    return None if width <= PHONE["width"] else f"{url} scrolls sideways to {width} px"


@pytest.mark.parametrize("language, heading", [("en", "Cart"), ("tr", "Sepet")])
def test_no_main_page_scrolls_sideways_at_phone_width(live_server, browser, language, heading):
    dealer, owner, agent, products, order, invoice, quote, saved, sent = _trade(language)
    base = live_server.url
    context, page = _phone(browser, language)
    try:
        # A visitor's pages first: the home page, logging in, applying as a dealer.
        problems = [problem for path in (reverse("home"), reverse("account_login"), reverse("dealers:apply"))
                    if (problem := _sideways(page, base + path))]
        log_in(page, base, owner.email, PASSWORD, dealer.code)
        pages = [reverse("home"), reverse("dealers:dashboard"), reverse("catalog:list"), reverse("catalog:list") + "?view=grid",
                 reverse("catalog:list") + "?view=dense", reverse("catalog:product", args=[products[0].sku]),
                 reverse("orders:cart"), reverse("orders:quick_order"), reverse("orders:checkout"),
                 reverse("orders:orders"), reverse("orders:order", args=[order.number]),
                 reverse("quotes:list"), reverse("quotes:new"), reverse("quotes:detail", args=[quote.number]),
                 reverse("quotes:detail", args=[sent.number]), reverse("quotes:revision", args=[sent.number, 1]),
                 reverse("payments:invoices"), reverse("payments:invoice", args=[invoice.number]),
                 reverse("payments:statement"), reverse("dealers:status"), reverse("dealers:company"),
                 reverse("dealers:addresses"), reverse("dealers:address_new"), reverse("dealers:users"),
                 reverse("dealers:user_invite"), reverse("orders:lists"),
                 reverse("orders:list_detail", args=[saved.pk])]
        problems += [problem for path in pages if (problem := _sideways(page, base + path))]

        # The cart: one card per line, its quantity, total and "Remove" on screen without scrolling sideways.
        page.goto(base + reverse("orders:cart"))
        assert page.locator("h1").inner_text() == heading
        row = page.locator("#cart-lines tr[data-sku='A-0911-111']")
        for part in (row.locator("input.qty"), row.locator("td.line-gross"), row.locator("button.remove")):
            box = part.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

        # The order page: each line a card, its quantity, prices and VAT on screen.
        page.goto(base + reverse("orders:order", args=[order.number]))
        cells = page.locator("#order-lines tr[data-sku='A-0911-111'] td.num")
        assert cells.count() >= 4
        for i in range(cells.count()):
            box = cells.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], cells.nth(i).inner_text()

        # A sent quote: each line a card with its quantity and net on screen.
        page.goto(base + reverse("quotes:detail", args=[sent.number]))
        for cell in ("td.line-net", "td.net-unit"):
            box = page.locator(f".quote-lines tr[data-sku='BB-1730-130'] {cell}").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], cell

        # The checkout review.
        page.goto(base + reverse("orders:checkout"))
        page.click("#to-review")
        page.wait_for_load_state()
        assert page.locator("#summary-lines").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"checkout review scrolls sideways to {width} px")

        # A sales agent's pages.
        agent_context, agent_page = _phone(browser, language)
        try:
            log_in(agent_page, base, agent.email, PASSWORD)
            for path in (reverse("dealers:agent_dealers"), reverse("quotes:work"),
                         reverse("quotes:edit", args=[quote.number])):
                if problem := _sideways(agent_page, base + path):
                    problems.append(problem)
        finally:
            agent_context.close()
        assert problems == []
    finally:
        context.close()


def test_catalog_filters_wait_behind_a_button_on_a_phone_and_stay_open_on_a_desktop(live_server, browser):
    dealer, owner, agent, products, order, invoice, quote, saved, sent = _trade("tr")
    base = live_server.url
    context, page = _phone(browser, "tr")
    try:
        log_in(page, base, owner.email, PASSWORD, dealer.code)
        page.goto(base + reverse("catalog:list"))
        button = page.locator("#catalog-filters > summary")
        assert button.inner_text().startswith("Filtreler")
        assert not page.locator("#facet-form").is_visible()
        # The first product is near the top, not after 2,000 px of filters.
        assert page.locator("article.product-card").first.bounding_box()["y"] < 844
        button.click()
        assert page.locator("#facet-form").is_visible() and page.locator("#facet-stock").is_visible()
        page.locator("#facet-stock a.facet-toggle").first.click()
        page.wait_for_load_state()
        assert page.locator("#filters-active").inner_text() == "1"

        # The header keeps logo, menu button, language and "Log out" on one row.
        logo = page.locator("header .brand").bounding_box()
        log_out = page.locator("header .user-menu button[type=submit]").bounding_box()
        assert abs((log_out["y"] + log_out["height"] / 2) - (logo["y"] + logo["height"] / 2)) < 10
        assert log_out["height"] < 40  # one line of text, not "Çıkış / yap"

        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(base + reverse("catalog:list"))
        assert not button.is_visible()
        assert page.locator("#facet-form").is_visible()
    finally:
        context.close()
