"""Languages as a dealer reads them in a real Chromium: the Turkish price filter says "en az / en çok" (not the status
history's "önceki durum"), facet labels follow the reader's language even from a warm cache, and an order page shows
one date and one date-time format per language (2027-01-05 14:02 in English, 05.01.2027 14:02 in Turkish)."""
import datetime
import re

import pytest

from catalog.models import Attribute, Product
from catalog.testing import AttributeFactory, CategoryFactory, ProductAttributeFactory
from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from orders.models import Order, OrderStatusChange
from orders.services import ordering
from orders.testing import actor_of, priced, with_addresses
from portal.testing import log_in
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 11:02 UTC is 14:02 in Istanbul, the portal's time zone.
PLACED = datetime.datetime(2027, 1, 5, 11, 2, tzinfo=datetime.UTC)


def _switch_language(page, code):
    with page.expect_navigation():
        page.select_option("#language-select", code)  # the switch submits itself
    page.wait_for_load_state()


def _dealer_with_products(email, language="en"):
    dealer = with_addresses(DealerFactory())
    market = PriceListFactory(kind="market")
    category = CategoryFactory(name="Lighting", slug="lighting")
    dimmable = AttributeFactory(code="dimmable", name="Dimmable", kind=Attribute.Kind.BOOLEAN, filterable=True)
    for sku, price, flag in (("LED-600", "100.00", True), ("LED-300", "40.00", False)):
        product = priced(market, price, sku=sku, category=category, stock_quantity=100)
        ProductAttributeFactory(product=product, attribute=dimmable, value_bool=flag)
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email=email, language=language)
    return dealer, owner


def test_the_turkish_price_filter_says_min_and_max_not_the_status_history_words(live_server, page):
    dealer, owner = _dealer_with_products("sahip@fiyat.example.com", language="tr")
    log_in(page, live_server.url, owner.email, PASSWORD, dealer.code)
    page.goto(live_server.url + "/catalog/")
    labels = page.locator("#facet-price label").all_inner_texts()
    assert [label.strip() for label in labels] == ["en az", "en çok"]
    assert "durum" not in page.inner_text("#facet-price")


def test_facet_labels_follow_the_language_when_the_cache_is_warm(live_server, page):
    dealer, owner = _dealer_with_products("owner@facets.example.com")
    log_in(page, live_server.url, owner.email, PASSWORD, dealer.code)
    page.goto(live_server.url + "/catalog/")
    facet = page.locator("fieldset.facet", has_text="Dimmable")
    assert re.findall(r"\b(yes|no)\b", facet.inner_text()) == ["no", "yes"]  # this fills the facet cache in English
    _switch_language(page, "tr")
    page.goto(live_server.url + "/catalog/")
    text = page.locator("fieldset.facet", has_text="Dimmable").inner_text()
    assert "evet" in text and "hayır" in text
    assert not re.search(r"\b(yes|no)\b", text)


DATE_TIME = {"en": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "tr": r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}"}
DAY = {"en": r"\d{4}-\d{2}-\d{2}", "tr": r"\d{2}\.\d{2}\.\d{4}"}


def _dates_on(text):
    """Every date-like text on the page, whatever its format (ISO, dotted, slashed, month names, a.m./p.m.)."""
    return re.findall(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}(?: \d{1,2}:\d{2}(?: ?[ap]\.m\.)?)?"
                      r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}", text)


@pytest.mark.parametrize("language,placed,delivery", [
    ("en", "2027-01-05 14:02", "2027-01-20"),
    ("tr", "05.01.2027 14:02", "20.01.2027"),
])
def test_an_order_page_shows_one_date_and_one_date_time_format_per_language(live_server, page, language, placed,
                                                                           delivery):
    dealer, owner = _dealer_with_products(f"owner-{language}@dates.example.com", language=language)
    product = Product.objects.get(sku="LED-600")
    order = ordering.place_order(actor=actor_of(owner), lines=[(product, 1)], checkout=ordering.Checkout())
    Order.objects.filter(pk=order.pk).update(created_at=PLACED, requested_delivery_date=datetime.date(2027, 1, 20))
    OrderStatusChange.objects.filter(order=order).update(created_at=PLACED)

    log_in(page, live_server.url, owner.email, PASSWORD, dealer.code)
    page.goto(live_server.url + order.get_absolute_url())
    text = page.inner_text("main")
    assert placed in text and delivery in text
    found = _dates_on(text)
    assert found, "no date on the order page"
    for value in found:
        assert re.fullmatch(DATE_TIME[language], value) or re.fullmatch(DAY[language], value), (
            f"{value!r} is not the {language} format")
    assert "a.m." not in text and "p.m." not in text
