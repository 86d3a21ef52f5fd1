"""The catalog cards' shortcuts (issue 18) write what the slow paths write: an amount as portal.money.format_money
does in every language, and a product's badge as catalog.availability words it in every display mode, whichever
product with the same stock fields asked first."""
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import translation

from catalog import cards
from catalog.availability import DISPLAY_MODES, availability
from catalog.models import Unit
from portal.money import format_money

AMOUNTS = ["0", "0.004", "0.005", "1", "12.5", "999.995", "1000", "1234567.891", "-5.5", "-1234.5", "-0.001",
           "100000", "999999.999", "12345678901.25", "1E+3", "0.10", "7.00"]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_amounts_read_as_format_money_writes_them(language):
    with translation.override(language):
        page = cards._PageFormats()
        for amount in AMOUNTS:
            for currency in ("TRY", "EUR", "<A&B>"):
                price = SimpleNamespace(unit_price=Decimal(amount), currency=currency)
                assert page.money(price) == cards.esc(format_money(Decimal(amount), currency))
        assert page.money(SimpleNamespace(unit_price=None, currency="TRY")) is None
        assert page.money(None) is None


def _product(**fields):
    base = {"stock_quantity": Decimal(12), "min_order_quantity": Decimal(1), "order_multiple": Decimal(1),
            "allow_backorder": False, "lead_time_days": 0, "unit": Unit.PIECE}
    return SimpleNamespace(**{**base, **fields})


STOCKS = [
    {}, {"stock_quantity": Decimal(3)}, {"stock_quantity": Decimal("3.000")}, {"stock_quantity": Decimal(0)},
    {"stock_quantity": Decimal(0), "allow_backorder": True, "lead_time_days": 14},
    {"stock_quantity": Decimal(0), "allow_backorder": True}, {"stock_quantity": Decimal("2.5"), "unit": Unit.METRE},
    {"stock_quantity": Decimal(4), "min_order_quantity": Decimal(5)}, {"stock_quantity": None},
    {"stock_quantity": Decimal(1), "unit": Unit.BOX}, {"order_multiple": Decimal(10), "stock_quantity": Decimal(25)},
]


@pytest.mark.parametrize("language", ["en", "tr"])
def test_the_kept_badges_are_the_ones_availability_words(language):
    cards._STOCK_PARTS.clear()
    with translation.override(language):
        for display in DISPLAY_MODES:
            for _round in range(2):  # the second round reads them back
                for fields in STOCKS:
                    product = _product(**fields)
                    av = availability(product, display=display)
                    assert cards._stock_parts(product, language, display) == (cards._badge(av), cards._disabled(av))


def test_the_kept_badges_are_bounded(monkeypatch):
    monkeypatch.setattr(cards, "_STOCK_PARTS_MAX", 3)
    cards._STOCK_PARTS.clear()
    for n in range(10):
        cards._stock_parts(_product(stock_quantity=Decimal(n)), "en", "exact")
    assert len(cards._STOCK_PARTS) <= 3


def _dense_product(pk, price, typed=None, **fields):
    from catalog.search import product_url

    product = _product(pk=pk, **{"sku": f"KP-{pk}<&>", "name": f"Kept \"row\" {pk}", **fields})
    product.get_absolute_url = lambda: product_url(product.sku)
    product.price = SimpleNamespace(unit_price=Decimal(price), currency="TRY") if price is not None else None
    if typed:
        product.typed = typed
    return product


@pytest.mark.parametrize("language", ["en", "tr"])
@pytest.mark.parametrize(("show_prices", "cart_add_url"), [(True, "/cart/add/"), (True, None), (False, "/cart/add/")])
def test_kept_dense_rows_are_the_rows_written_afresh_with_each_readers_price(language, show_prices, cart_add_url):
    """The kept part of a dense row never holds the price (each dealer's own) nor a quantity sent back."""
    def rows(prices, typed=None):
        products = [_dense_product(i, price, typed if i == 1 else None, **STOCKS[i % len(STOCKS)])
                    for i, price in enumerate(prices)]
        return str(cards.render_dense_rows(products, show_prices=show_prices, cart_add_url=cart_add_url))

    with translation.override(language):
        for prices in (["10", "2500.5", None, "7"], ["11", "99", "3", None]):
            cards._ROW_PARTS.clear()
            fresh = rows(prices)
            assert rows(prices) == fresh  # from the kept parts
            cards._ROW_PARTS.clear()
            typed_fresh = rows(prices, typed="12x")
            rows(prices)
            assert rows(prices, typed="12x") == typed_fresh and 'class="has-problem"' in typed_fresh
            assert ('value="12x" aria-invalid="true"' in typed_fresh) == bool(cart_add_url)
        for prices in (["10", "2500.5", None, "7"], ["11", "99", "3", None]):
            kept = rows(prices)
            cards._ROW_PARTS.clear()
            assert kept == rows(prices)
    if show_prices:
        assert ("99.00 TRY" in fresh or "99,00 TRY" in fresh) and "11" in fresh


def test_the_kept_dense_rows_are_bounded(monkeypatch):
    monkeypatch.setattr(cards, "_ROW_PARTS_MAX", 3)
    cards._ROW_PARTS.clear()
    products = [_dense_product(i, "5") for i in range(10)]
    cards.render_dense_rows(products, show_prices=True, cart_add_url="/cart/add/")
    assert len(cards._ROW_PARTS) <= 3


def _card_product(pk, price, campaign=None, extras=(), **fields):
    from catalog.selectors import Thumb

    product = _dense_product(pk, price, **fields)
    product.thumb = Thumb(url=f"/media/products/{pk}.jpg", alt=f"Photo <{pk}>" if pk % 2 else "") if pk % 3 else None
    if campaign and product.price is not None:
        product.price.campaign = SimpleNamespace(name=campaign)
    product.extras = list(extras)
    return product


@pytest.mark.parametrize("language", ["en", "tr"])
@pytest.mark.parametrize(("show_prices", "cart_add_url"), [(True, "/cart/add/"), (True, None), (False, "/cart/add/")])
def test_kept_cards_are_the_cards_written_afresh_with_each_readers_price(language, show_prices, cart_add_url):
    """The kept parts of a card never hold the price, the campaign badge or the extras (each reader's own)."""
    from django.utils.safestring import mark_safe

    def html(prices, campaign, stars):
        products = [_card_product(i, price, campaign if i % 2 else None,
                                  [mark_safe(f'<p class="card-rating">{stars}</p>')] if i == 2 else [],
                                  **STOCKS[i % len(STOCKS)])
                    for i, price in enumerate(prices)]
        return str(cards.render_cards(products, show_prices=show_prices, cart_add_url=cart_add_url))

    readers = [(["10", "2500.5", None, "7", "8"], "Spring <sale>", "4.5 (2)"), (["11", "99", "3", None, "8"], None, "")]
    with translation.override(language):
        fresh = []
        for prices, campaign, stars in readers:
            cards._CARD_PARTS.clear()
            fresh.append(html(prices, campaign, stars))
        for (prices, campaign, stars), written in zip(readers * 2, fresh * 2, strict=True):
            assert html(prices, campaign, stars) == written  # from the parts kept for the other reader
    assert "Spring &lt;sale&gt;" in fresh[0] and "Spring" not in fresh[1]
    assert ("4.5 (2)" in fresh[0]) and ("4.5 (2)" not in fresh[1])
    if show_prices:
        assert "99.00 TRY" in fresh[1] or "99,00 TRY" in fresh[1]


def test_the_kept_cards_are_bounded(monkeypatch):
    monkeypatch.setattr(cards, "_CARD_PARTS_MAX", 3)
    cards._CARD_PARTS.clear()
    cards.render_cards([_card_product(i, "5") for i in range(10)], show_prices=True, cart_add_url="/cart/add/")
    assert len(cards._CARD_PARTS) <= 3


@pytest.mark.parametrize("change", [
    {"name": "Renamed <card>"}, {"sku": "KP-NEW"}, {"stock_quantity": Decimal(0)}, {"unit": Unit.METRE},
    {"min_order_quantity": Decimal(3)}, {"order_multiple": Decimal(5)}, {"allow_backorder": True},
    {"lead_time_days": 9}, {"thumb": None}, {"thumb_alt": "Other photo"},
])
def test_a_changed_product_is_not_written_from_its_kept_card(change):
    """Whatever field of a product its card shows changes, the card is written afresh (the key holds them all)."""
    from catalog.selectors import Thumb

    def html(**fields):
        product = _card_product(4, "5", **{k: v for k, v in fields.items() if not k.startswith("thumb")})
        if "thumb" in fields:
            product.thumb = fields["thumb"]
        if "thumb_alt" in fields:
            product.thumb = Thumb(url=product.thumb.url, alt=fields["thumb_alt"])
        return str(cards.render_cards([product], show_prices=True, cart_add_url="/cart/add/"))

    cards._CARD_PARTS.clear()
    before = html()
    cards._CARD_PARTS.clear()
    fresh = html(**change)
    cards._CARD_PARTS.clear()
    assert html() == before
    assert html(**change) == fresh  # not the kept card of the product before its change
    shown = not {"order_multiple", "allow_backorder", "lead_time_days"} & change.keys()  # at 12 in stock: not shown
    assert (fresh != before) is shown
