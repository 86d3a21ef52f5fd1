"""The one availability rule (catalog.availability): statuses, STOCK_DISPLAY modes, a minimum above the stock, what
of a quantity can be delivered; and the pages and API that show it (cards, product page, quantity check, price box)."""
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.availability import BACKORDER, IN_STOCK, LOW, UNAVAILABLE, availability, require_deliverable, stock_display
from catalog.errors import NotAvailable, NotEnoughStock, OutOfStock
from catalog.models import Product, Unit
from catalog.testing import CategoryFactory, ProductFactory

D = Decimal


def card(**fields):
    """An unsaved product row: the rule reads only its columns."""
    values = dict(sku="X-1", stock_quantity=D(100), min_order_quantity=D(1), order_multiple=D(1),
                  allow_backorder=False, lead_time_days=0, unit=Unit.PIECE)
    values.update(fields)
    return Product(**values)


# --- the rule ------------------------------------------------------------------------------------------------------

def test_plenty_of_stock_is_in_stock_with_the_figure_in_exact_mode():
    stock = availability(card(stock_quantity=D(12)), display="exact")
    assert (stock.status, stock.orderable, stock.css) == (IN_STOCK, True, "ok")
    assert stock.label == "12 pieces in stock"


def test_stock_below_five_minimum_orders_is_low_with_what_is_left():
    stock = availability(card(stock_quantity=D(3)), display="exact")
    assert stock.status == LOW and stock.orderable
    assert stock.label == "Low: 3 pieces left"
    metres = availability(card(stock_quantity=D(40), min_order_quantity=D(10), unit=Unit.METRE), display="exact")
    assert metres.status == LOW and metres.label == "Low: 40 metres left"


def test_no_stock_without_backorder_is_not_available_never_ships_in_days():
    stock = availability(card(stock_quantity=D(0), lead_time_days=14), display="exact")
    assert (stock.status, stock.orderable, stock.css) == (UNAVAILABLE, False, "err")
    assert stock.label == "Not available"
    assert "Ships" not in stock.label and stock.detail == "Out of stock and not available on backorder."


def test_less_than_the_minimum_left_without_backorder_can_never_be_ordered():
    # DK-0233-133 of the demo: 5 m in stock, 10 m minimum.
    stock = availability(card(stock_quantity=D(5), min_order_quantity=D(10), unit=Unit.METRE), display="exact")
    assert stock.status == UNAVAILABLE and not stock.orderable
    assert stock.label == "Not available"
    assert stock.detail == "Only 5 metres left, less than the minimum order of 10 metres."
    assert availability(card(stock_quantity=D(5), min_order_quantity=D(10), unit=Unit.METRE),
                        display="bands").detail == "Less than the minimum order of 10 metres is left."


def test_stock_that_no_multiple_fits_is_not_available():
    # 7 left, sold from 5 in multiples of 5 → 5 can be ordered; 4 left in multiples of 5 → nothing.
    assert availability(card(stock_quantity=D(7), min_order_quantity=D(5), order_multiple=D(5))).most_from_stock == 5
    assert availability(card(stock_quantity=D(4), min_order_quantity=D(1), order_multiple=D(5))).status == UNAVAILABLE


def test_no_stock_with_backorder_ships_in_its_lead_time():
    stock = availability(card(stock_quantity=D(0), allow_backorder=True, lead_time_days=14))
    assert (stock.status, stock.orderable, stock.css) == (BACKORDER, True, "warn")
    assert stock.label == "Ships in 14 days"
    assert availability(card(stock_quantity=D(0), allow_backorder=True, lead_time_days=1)).label == "Ships in 1 day"
    assert availability(card(stock_quantity=D(0), allow_backorder=True)).label == "Available on backorder"


@pytest.mark.parametrize("mode, plenty, low", [
    ("exact", "12 pieces in stock", "Low: 3 pieces left"),
    ("bands", "In stock", "Low stock"),
    ("none", "Available", "Available"),
])
def test_stock_display_setting_decides_what_a_dealer_reads(settings, mode, plenty, low):
    settings.STOCK_DISPLAY = mode
    assert stock_display() == mode
    assert availability(card(stock_quantity=D(12))).label == plenty
    assert availability(card(stock_quantity=D(3))).label == low
    assert availability(card(stock_quantity=D(0))).label == "Not available"
    assert availability(card(stock_quantity=D(12))).as_dict()["available"] == ("12" if mode == "exact" else None)
    assert availability(card(stock_quantity=D(3))).css == ("ok" if mode == "none" else "warn")


def test_an_unknown_stock_display_falls_back_to_bands(settings):
    settings.STOCK_DISPLAY = "everything"
    assert availability(card(stock_quantity=D(12))).label == "In stock"


def test_a_quantity_above_stock_without_backorder_says_what_can_be_delivered():
    product = card(stock_quantity=D(27), min_order_quantity=D(10), order_multiple=D(5), unit=Unit.METRE)
    stock = availability(product, D(40), display="bands")
    assert not stock.can_deliver and stock.deliverable_quantity == D(25)
    assert stock.problem == "Only 25 metres can be delivered."
    assert availability(product, D(25)).can_deliver and availability(product, D(25)).problem == ""


def test_a_quantity_above_stock_with_backorder_is_delivered_partly_later():
    product = card(stock_quantity=D(5), allow_backorder=True, lead_time_days=7)
    stock = availability(product, D(8), display="exact")
    assert stock.can_deliver and (stock.from_stock, stock.backordered) == (D(5), D(3))
    assert stock.note == "5 pieces from stock, 3 pieces ships in 7 days."
    assert availability(product, D(8), display="bands").note == "Part of it ships in 7 days."


def test_require_deliverable_refuses_with_the_reason_and_what_can_be():
    with pytest.raises(NotAvailable) as refused:
        require_deliverable(product=card(stock_quantity=D(0)), quantity=D(1))
    assert refused.value.code == "catalog.not_available" and isinstance(refused.value, OutOfStock)
    assert str(refused.value.message) == "Not available. Out of stock and not available on backorder."
    with pytest.raises(NotEnoughStock) as refused:
        require_deliverable(product=card(stock_quantity=D(6)), quantity=D(9), before=D(4))
    assert str(refused.value.message) == "Only 6 pieces can be delivered; 4 pieces already in the cart."
    assert refused.value.params["deliverable_quantity"] == "6"
    assert require_deliverable(product=card(stock_quantity=D(6)), quantity=D(6)).can_deliver


# --- pages and API ---------------------------------------------------------------------------------------------------

@pytest.fixture
def cable(db, fake_prices):
    category = CategoryFactory(name="Kablolar", slug="kablolar")
    product = ProductFactory(sku="DK-0233-133", name="NYM cable 3x2.5", category=category, unit=Unit.METRE,
                             stock_quantity=D(5), min_order_quantity=D(10), allow_backorder=False, lead_time_days=7)
    fake_prices.set(product, "67.00", market_price="737.06")
    return product


@pytest.mark.django_db
def test_card_and_product_page_say_not_available_and_offer_no_add(signed_in, cable):
    html = signed_in.get(reverse("catalog:list")).content.decode()
    assert 'data-availability="unavailable">Not available<' in html and "Ships in 7 days" not in html
    assert "disabled title=\"Not available\"" in html
    html = signed_in.get(reverse("catalog:product", args=[cable.sku])).content.decode()
    assert "Not available" in html and "Only 5 metres left, less than the minimum order of 10 metres." in html


@pytest.mark.django_db
def test_the_in_stock_filter_leaves_out_a_product_below_its_minimum(signed_in, cable):
    ProductFactory(sku="OK-1", name="Plenty", category=cable.category, stock_quantity=D(50))
    response = signed_in.get(reverse("catalog:list"), {"in_stock": "1"})
    assert [p.sku for p in response.context["products"]] == ["OK-1"]


@pytest.mark.django_db
def test_quantity_check_says_what_can_be_delivered(signed_in, cable):
    cable.stock_quantity = D(25)
    cable.save()
    html = signed_in.get(reverse("catalog:check_quantity", args=[cable.sku]), {"quantity": "40"}).content.decode()
    assert "Only 25 metres can be delivered." in html


@pytest.mark.django_db
def test_price_box_says_what_the_saving_is_for_and_breaks_start_at_the_minimum(signed_in, cable):
    cable.stock_quantity = D(500)
    cable.save()
    html = signed_in.get(reverse("catalog:product", args=[cable.sku])).content.decode()
    assert "you save 670.06 TRY per metre (6,700.60 TRY on 10 metres)" in html
    breaks = html.split('class="data breaks"')[1].split("</table>")[0]
    assert "10 metres" in breaks and "100 metres" in breaks and ">1 metre<" not in breaks


@pytest.mark.django_db
def test_api_gives_the_same_availability_and_hides_figures_in_bands_mode(client, owner, cable, settings):
    client.force_login(owner)
    data = client.get(f"/api/v1/products/{cable.sku}/").json()
    assert data["availability"]["status"] == "unavailable" and data["availability"]["label"] == "Not available"
    assert data["availability"]["orderable"] is False and data["stock_quantity"] == "5.000"
    settings.STOCK_DISPLAY = "bands"
    cable.stock_quantity = D(25)
    cable.save()
    data = client.get(f"/api/v1/products/{cable.sku}/", {"quantity": "40"}).json()
    assert data["stock_quantity"] is None and data["availability"]["available"] is None
    assert data["availability"]["label"] == "Low stock"
    assert data["availability"]["can_deliver"] is False and data["availability"]["deliverable_quantity"] == "25"
    listed = client.get("/api/v1/products/").json()["results"]
    assert listed[0]["availability"]["status"] == "low" and listed[0]["stock_quantity"] is None
