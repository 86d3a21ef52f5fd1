"""The admin's "Price as dealer…" page in a real Chromium: a pricing manager picks a dealer in the autocomplete,
enters SKU lines and reads that dealer's prices rule by rule; another dealer in another segment gets another price
and never sees the first one's contract price."""
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from dealers.testing import PASSWORD, DealerFactory, UserFactory
from pricing.testing import CatalogProductFactory, PriceListFactory, PriceListItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES = "LED-600 10\nCAB-3X25 250"
# The columns of #price-table, in order.
SKU, PRODUCT, QUANTITY, MARKET, WHY, UNIT, NET, VAT, GROSS, SAVING = range(10)


@pytest.fixture
def pricing_manager(db):
    """Staff who may view price lists and dealers (what the page and its dealer autocomplete need), no superuser."""
    user = UserFactory(email="pricing@portal.example.com", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label__in=["pricing", "dealers"], codename__in=["view_pricelist", "view_dealer"]))
    return user


@pytest.fixture
def price_lists(product, sub_category, gold, silver):
    """LED-600: market 120, Gold 100 (90 from 10), Silver 110, a contract at 85; CAB-3X25 only on the market list."""
    cable = CatalogProductFactory(sku="CAB-3X25", name="NYM cable 3x2.5", category=sub_category)
    market = PriceListFactory(kind="market", name="Market 2026")
    PriceListItemFactory(price_list=market, product=product, unit_price=Decimal("120.00"))
    PriceListItemFactory(price_list=market, product=cable, unit_price=Decimal("20.00"))
    gold_list = PriceListFactory(kind="segment", segment=gold, name="Gold list")
    PriceListItemFactory(price_list=gold_list, product=product, unit_price=Decimal("100.00"))
    PriceListItemFactory(price_list=gold_list, product=product, min_quantity=10, unit_price=Decimal("90.00"))
    silver_list = PriceListFactory(kind="segment", segment=silver, name="Silver list")
    PriceListItemFactory(price_list=silver_list, product=product, unit_price=Decimal("110.00"))
    return cable


def log_in_to_admin(page, base, user):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")


def choose_dealer(page, name):
    """Pick a dealer in the admin's autocomplete (select2): open it, type, click the match."""
    page.locator(".field-dealer .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(name)
    page.locator(".select2-results__option", has_text=name).click()
    assert page.locator(".field-dealer .select2-selection__rendered").inner_text().strip().lstrip("×").strip() == name


def show_prices(page):
    page.locator("#price-as-dealer-form input[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#price-as-dealer-form .errorlist").count() == 0, page.locator("#content-main").inner_text()
    return page.locator("#price-table")


def cells(table, sku):
    return [text.strip() for text in table.locator(f"tr.price-line[data-sku='{sku}'] > td").all_inner_texts()]


def rules(table, sku):
    items = table.locator(f"tr.price-line[data-sku='{sku}'] li.price-rule")
    return [(item.get_attribute("class").split("price-rule-")[1], item.inner_text().strip()) for item in items.all()]


def test_contract_dealer_and_silver_dealer_each_get_their_own_price_and_rules(live_server, page, pricing_manager,
                                                                                product, gold, silver, price_lists):
    contract_dealer = DealerFactory(segment=gold, trade_name="Anadolu Elektrik")
    DealerFactory(segment=silver, trade_name="Ege Aydınlatma")  # chosen by its name below
    contract = PriceListFactory(kind="contract", dealer=contract_dealer, name="Anadolu contract")
    PriceListItemFactory(price_list=contract, product=product, unit_price=Decimal("85.00"))
    base = live_server.url

    log_in_to_admin(page, base, pricing_manager)
    page.goto(base + "/admin/pricing/pricelist/")
    page.get_by_role("link", name="Price as dealer…").click()
    page.wait_for_url("**/admin/pricing/pricelist/price-as-dealer/")
    assert page.locator("#price-table").count() == 0  # nothing priced before the form is sent

    # 1. The Gold dealer with a contract: the contract price beats both the market and its segment's break.
    choose_dealer(page, "Anadolu Elektrik")
    page.fill("#id_lines", LINES)
    table = show_prices(page)
    assert page.locator("#content-main h2").inner_text() == "Prices for Anadolu Elektrik · Gold"
    led = cells(table, "LED-600")
    assert (led[QUANTITY], led[MARKET], led[UNIT], led[NET]) == ("10", "120.00 TRY", "85.00 TRY", "850.00")
    assert led[SAVING] == "350.00"
    assert rules(table, "LED-600") == [("market", "Market price: 120.00 TRY (Market 2026)"),
                                       ("contract", "Contract price: 85.00 TRY (Anadolu contract)")]
    cable = cells(table, "CAB-3X25")
    assert (cable[QUANTITY], cable[UNIT], cable[NET]) == ("250", "20.00 TRY", "5000.00")
    assert rules(table, "CAB-3X25") == [("market", "Market price: 20.00 TRY (Market 2026)")]
    assert table.locator("#total-net").inner_text() == "5850.00 TRY"
    assert table.locator("#total-gross").inner_text() == "7020.00 TRY"

    # 2. A Silver dealer without a contract: its segment's price, and no trace of the other dealer's contract.
    assert page.input_value("#id_lines") == LINES  # the lines stay in the form
    choose_dealer(page, "Ege Aydınlatma")
    table = show_prices(page)
    assert page.locator("#content-main h2").inner_text() == "Prices for Ege Aydınlatma · Silver"
    led = cells(table, "LED-600")
    assert (led[QUANTITY], led[MARKET], led[UNIT], led[NET]) == ("10", "120.00 TRY", "110.00 TRY", "1100.00")
    assert rules(table, "LED-600") == [("market", "Market price: 120.00 TRY (Market 2026)"),
                                       ("segment", "Segment price: 110.00 TRY (Silver list)")]
    assert cells(table, "CAB-3X25")[UNIT] == "20.00 TRY"
    assert table.locator("#total-net").inner_text() == "6100.00 TRY"
    assert "85.00" not in table.inner_text() and "Anadolu contract" not in table.inner_text()
