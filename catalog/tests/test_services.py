"""Services of catalog: barcode check, safe description HTML, search text, the quantity rule, thumbnails,
the category tree."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.errors import CategoryCycle, InvalidBarcode
from catalog.models import Category, Product, Unit
from catalog.testing import CategoryFactory, ProductFactory, ProductImageFactory, ean13
from portal.errors import DomainError

pytestmark = pytest.mark.django_db


# --- save_product ---------------------------------------------------------------------------------

def test_valid_ean13_barcode_is_saved():
    product = ProductFactory.build(category=CategoryFactory(), barcode=ean13("869000000001"))
    services.save_product(product=product)
    assert Product.objects.get(pk=product.pk).barcode == ean13("869000000001")


@pytest.mark.parametrize("barcode", ["8690000000019", "869000000001", "86900000000a1", "１２３４５６７８９０１２８"])
def test_invalid_barcode_is_refused_and_nothing_saved(barcode):
    product = ProductFactory.build(category=CategoryFactory(), barcode=barcode)
    assert not services.is_valid_ean13(barcode)
    with pytest.raises(InvalidBarcode) as info:
        services.save_product(product=product)
    assert info.value.code == "catalog.invalid_barcode" and info.value.field == "barcode"
    assert not Product.objects.exists()


def test_empty_barcode_is_allowed():
    product = services.save_product(product=ProductFactory.build(category=CategoryFactory(), barcode=""))
    assert product.pk


def test_a_piece_with_a_fractional_minimum_or_multiple_is_refused_and_nothing_saved():
    from decimal import Decimal

    from catalog.errors import NotWhole

    for fields in ({"min_order_quantity": Decimal("0.5")}, {"order_multiple": Decimal("2.5")}):
        product = ProductFactory.build(category=CategoryFactory(), unit="piece", **fields)
        with pytest.raises(NotWhole) as info:
            services.save_product(product=product)
        assert info.value.field == next(iter(fields)) and "whole numbers only" in str(info.value.message)
    assert not Product.objects.exists()
    metre = services.save_product(product=ProductFactory.build(category=CategoryFactory(), unit="metre",
                                                               min_order_quantity=Decimal("0.5")))
    assert metre.pk


def test_description_is_sanitised_scripts_and_handlers_removed():
    product = ProductFactory.build(category=CategoryFactory(), description=(
        '<p onclick="x()">Good <strong>cable</strong></p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">bad</a><a href="https://example.com">ok</a><img src=x onerror=alert(1)>'
        '<table><tr><td>1</td></tr></table><style>p{}</style>'))
    services.save_product(product=product)
    html = Product.objects.get(pk=product.pk).description
    assert "<script" not in html and "alert(1)" not in html.replace('href="javascript', "")
    assert "onclick" not in html and "<img" not in html and "<style" not in html and "javascript:" not in html
    assert "<strong>cable</strong>" in html and 'href="https://example.com"' in html and "<td>1</td>" in html


def test_saving_fills_search_text_and_vector():
    product = ProductFactory.build(category=CategoryFactory(), sku="AB-1234", name="ÇELİK Dübel",
                                   description="<p>Işıklı <b>kablo</b></p>", erp_code="ERP-9")
    services.save_product(product=product)
    product = Product.objects.get(pk=product.pk)
    assert "celik dubel" in product.search_text and "isikli kablo" in product.search_text
    assert "ab-1234" in product.search_text and "erp-9" in product.search_text and "<p>" not in product.search_text
    assert product.search_vector
    # The name and codes alone: what typo matching and ranking look at, never the descriptions.
    assert product.search_name.startswith("ab-1234 ") and product.search_name.endswith("celik dubel erp-9")
    assert "kablo" not in product.search_name


def test_the_migration_fills_the_search_name_of_existing_products():
    import importlib

    from django.apps import apps

    fill = importlib.import_module("catalog.migrations.0006_search_name").fill_search_name
    product = ProductFactory(category=CategoryFactory(), sku="LD-6060", name="IŞIK Panel", barcode="",
                             manufacturer_code="", erp_code="E-1")
    Product.objects.update(search_name="")
    with connection.schema_editor() as editor:
        fill(apps, editor)
    assert Product.objects.get(pk=product.pk).search_name == "ld-6060 isik panel e-1"


def test_refresh_search_updates_many_products_in_one_statement_per_batch():
    category = CategoryFactory()
    products = [ProductFactory(category=category) for _ in range(30)]
    Product.objects.update(search_text="", search_vector=None, name="IŞIK Projektör")
    with CaptureQueriesContext(connection) as ctx:
        count = services.refresh_search(products=Product.objects.all())
    assert count == 30
    assert len([q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]) == 1
    assert set(Product.objects.values_list("search_text", flat=True)) != {""}
    assert all("isik projektor" in p.search_text for p in Product.objects.filter(pk__in=[p.pk for p in products]))
    assert not Product.objects.filter(search_vector__isnull=True).exists()


def test_refresh_search_batches(monkeypatch):
    monkeypatch.setattr(services, "SEARCH_BATCH", 7)
    category = CategoryFactory()
    for _ in range(20):
        ProductFactory(category=category)
    with CaptureQueriesContext(connection) as ctx:
        assert services.refresh_search(products=Product.objects.all()) == 20
    assert len([q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]) == 3


# --- validate_quantity ----------------------------------------------------------------------------

def _product(**kwargs):
    defaults = {"unit": Unit.BOX, "min_order_quantity": Decimal(10), "order_multiple": Decimal(5)}
    defaults.update(kwargs)
    return ProductFactory.build(**defaults)


def test_quantity_at_minimum_and_multiple_is_accepted():
    assert services.validate_quantity(product=_product(), quantity="15") == Decimal(15)
    assert services.validate_quantity(product=_product(), quantity=10) == Decimal(10)


def test_below_minimum_is_refused_with_the_minimum():
    with pytest.raises(DomainError) as info:
        services.validate_quantity(product=_product(), quantity="5")
    assert info.value.code == "catalog.below_minimum"
    assert str(info.value.message) == "The minimum order quantity is 10 boxes."


def test_not_a_multiple_is_refused_with_the_nearest_quantities():
    with pytest.raises(DomainError) as info:
        services.validate_quantity(product=_product(), quantity="12")
    assert info.value.code == "catalog.not_a_multiple"
    assert str(info.value.message) == "Order in multiples of 5 boxes: 10 or 15, not 12."


def test_fraction_of_a_whole_unit_is_refused():
    with pytest.raises(DomainError) as info:
        services.validate_quantity(product=_product(min_order_quantity=1, order_multiple=1), quantity="2.5")
    assert info.value.code == "catalog.not_whole"


def test_fractional_units_accept_fractions_on_the_multiple():
    product = _product(unit=Unit.LITRE, min_order_quantity=Decimal("0.5"), order_multiple=Decimal("0.5"))
    assert services.validate_quantity(product=product, quantity="2,5") == Decimal("2.5")
    with pytest.raises(DomainError) as info:
        services.validate_quantity(product=product, quantity="2.25")
    assert info.value.code == "catalog.not_a_multiple"


@pytest.mark.parametrize("quantity", [None, "", "abc", "0", "-5", "NaN", "Infinity", 2.5, "1.0001"])
def test_nonsense_quantities_are_refused(quantity):
    with pytest.raises(DomainError) as info:
        services.validate_quantity(product=_product(unit=Unit.KG), quantity=quantity)
    assert info.value.code == "catalog.invalid_quantity" and info.value.field == "quantity"


# --- thumbnails -----------------------------------------------------------------------------------

def test_thumbnail_is_a_jpeg_of_at_most_400_px():
    from PIL import Image

    image = ProductImageFactory(product=ProductFactory())
    services.make_thumbnail(image=image)
    image.refresh_from_db()
    with Image.open(image.thumbnail.path) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 400 and thumb.size == (400, 300)


# --- category tree --------------------------------------------------------------------------------

def test_moving_a_category_recomputes_the_subtree_paths():
    a, b = CategoryFactory(), CategoryFactory()
    child = CategoryFactory(parent=a)
    grandchild = CategoryFactory(parent=child)
    child.parent = b
    services.save_category(category=child)
    child.refresh_from_db()
    grandchild.refresh_from_db()
    assert child.path == f"{b.pk}/{child.pk}/" and child.depth == 1
    assert grandchild.path == f"{b.pk}/{child.pk}/{grandchild.pk}/" and grandchild.depth == 2
    # To the root: depth shrinks for the whole subtree.
    child.parent = None
    services.save_category(category=child)
    grandchild.refresh_from_db()
    assert grandchild.path == f"{child.pk}/{grandchild.pk}/" and grandchild.depth == 1


def test_a_category_cannot_move_under_its_own_subtree():
    a = CategoryFactory()
    child = CategoryFactory(parent=a)
    a.parent = child
    with pytest.raises(CategoryCycle):
        services.save_category(category=a)
    assert Category.objects.get(pk=a.pk).parent_id is None
