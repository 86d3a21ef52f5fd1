"""Two dealers open the same product page in a real Chromium with the real price engine: each sees its
own price, its quantity breaks and why; a contract price is never shown to another dealer."""
from decimal import Decimal

import pytest

from catalog.services import refresh_search
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory
from portal.testing import log_in, log_out
from pricing.testing import PriceListFactory, PriceListItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_gold_dealer_and_contract_dealer_each_see_their_own_price(live_server, page, product, gold):
    contract_dealer = DealerFactory(segment=gold)
    gold_dealer = DealerFactory(segment=gold)
    PriceListItemFactory(price_list=PriceListFactory(kind="market"), product=product, unit_price=Decimal("100.00"))
    gold_list = PriceListFactory(kind="segment", segment=gold)
    PriceListItemFactory(price_list=gold_list, product=product, unit_price=Decimal("80.00"))
    PriceListItemFactory(price_list=gold_list, product=product, min_quantity=50, unit_price=Decimal("70.00"))
    PriceListItemFactory(price_list=PriceListFactory(kind="contract", dealer=contract_dealer), product=product,
                         unit_price=Decimal("61.50"))
    refresh_search(products=[product])
    base = live_server.url

    gold_user = DealerUserFactory(dealer=gold_dealer)
    log_in(page, base, gold_user.email, PASSWORD, gold_dealer.code)
    page.goto(f"{base}/catalog/?q={product.sku.lower()}")
    page.get_by_role("link", name=product.name).first.click()
    box = page.locator("#price-info")
    assert "80.00 TRY" in box.locator(".unit-price").inner_text()
    assert "100.00 TRY" in box.locator(".market-price").inner_text()
    breaks = box.locator("table.breaks tbody tr").all_inner_texts()
    assert len(breaks) == 2 and "70.00 TRY" in breaks[1]
    box.locator("details.why-price summary").click()
    assert box.locator("details.why-price li[data-kind=segment]").is_visible()
    assert "61.50" not in page.content()
    log_out(page)

    contract_user = DealerUserFactory(dealer=contract_dealer)
    log_in(page, base, contract_user.email, PASSWORD, contract_dealer.code)
    page.goto(f"{base}/catalog/p/{product.sku}/")
    assert "61.50 TRY" in page.locator("#price-info .unit-price").inner_text()
    page.locator("details.why-price summary").click()
    assert page.locator("details.why-price li[data-kind=contract]").is_visible()
