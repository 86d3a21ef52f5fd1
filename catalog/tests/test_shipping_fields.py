"""A product's shipping weight and its fragile / hazardous-goods flags (issue 14): the ERP import (file and bulk API)
reads and checks them like its other columns, the catalog API gives them, the admin saves them, and the dealer's
product page shows them in the reader's language."""
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog.imports.service import ImportInvalid, import_file, import_rows
from catalog.models import Product, Unit
from catalog.testing import CategoryFactory, ProductFactory
from dealers.testing import DealerUserFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
HEADER = "sku,name,category_code,weight_kg,fragile,hazardous\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def categories():
    return import_file(kind="categories", path=SAMPLES / "categories.csv", actor=None)


def write(tmp_path, text):
    path = tmp_path / "products.csv"
    path.write_text(text, encoding="utf-8")
    return path


def shipping_of(sku):
    return Product.objects.values_list("weight_kg", "fragile", "hazardous").get(sku=sku)


# --- model -------------------------------------------------------------------------------------------------------

def test_a_new_product_has_an_unknown_weight_and_no_flags_and_the_database_refuses_a_negative_weight():
    product = ProductFactory()
    assert (product.weight_kg, product.fragile, product.hazardous) == (None, False, False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(weight_kg=Decimal("-0.001"))


# --- import ------------------------------------------------------------------------------------------------------

def test_the_sample_files_carry_the_shipping_columns(categories):
    import_file(kind="products", path=SAMPLES / "products.csv", actor=None)
    assert shipping_of("LED-PANEL-60") == (Decimal("12.400"), True, False)
    assert shipping_of("NYM-3X2.5") == (Decimal("0.125"), False, False)
    again = import_file(kind="products", path=SAMPLES / "products.xlsx", actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_import_reads_weight_with_comma_or_point_and_the_flags_in_any_accepted_word(categories, tmp_path):
    result = import_file(kind="products", actor=None, path=write(tmp_path, HEADER + (
        'W-1,Bulb,LIGHT-LED,"1,25",evet,hayır\n'
        "W-2,Panel,LIGHT-LED,12.4,1,true\n"
        "W-3,Cable,CABLE-NYM,,0,0\n")))
    assert result.created == 3
    assert shipping_of("W-1") == (Decimal("1.250"), True, False)
    assert shipping_of("W-2") == (Decimal("12.400"), True, True)
    assert shipping_of("W-3") == (None, False, False)  # empty: unknown for a new product


def test_an_empty_weight_keeps_the_stored_one_and_a_repeat_changes_nothing(categories, tmp_path):
    import_file(kind="products", actor=None, path=write(tmp_path, HEADER + 'W-1,Bulb,LIGHT-LED,"0,5",1,0\n'))
    kept = import_file(kind="products", actor=None, path=write(tmp_path, HEADER + "W-1,Bulb,LIGHT-LED,,1,0\n"))
    assert (kept.updated, kept.unchanged) == (0, 1)
    assert shipping_of("W-1") == (Decimal("0.500"), True, False)
    changed = import_file(kind="products", actor=None, path=write(tmp_path, HEADER + "W-1,Bulb,LIGHT-LED,2,0,1\n"))
    assert changed.updated == 1
    assert shipping_of("W-1") == (Decimal("2.000"), False, True)
    # Files without the columns leave them as they are.
    import_file(kind="products", actor=None,
                path=write(tmp_path, "sku,name,category_code\nW-1,Bulb renamed,LIGHT-LED\n"))
    assert shipping_of("W-1") == (Decimal("2.000"), False, True)


@pytest.mark.parametrize("cell, message", [
    ("abc", "“abc” is not a number"),
    ("1.234,5", "is not a number"),
    ("-1", "Must not be negative."),
    ("1.2345", "At most 3 decimal places."),
    ("10000000", "The number is too large."),
])
def test_a_bad_weight_is_reported_on_its_row_and_nothing_is_written(categories, tmp_path, cell, message):
    path = write(tmp_path, HEADER + 'OK-1,Bulb,LIGHT-LED,1,0,0\n' + f'BAD-1,Bulb,LIGHT-LED,"{cell}",0,0\n')
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="products", path=path, actor=None)
    errors = [(e["row"], e["column"]) for e in exc.value.errors]
    assert errors == [(3, "weight_kg")]
    assert message in exc.value.errors[0]["message"]
    assert not Product.objects.exists()


def test_a_bad_flag_is_reported_on_its_row(categories, tmp_path):
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="products", actor=None, path=write(tmp_path, HEADER + "W-1,Bulb,LIGHT-LED,1,maybe,2\n"))
    assert sorted((e["row"], e["column"]) for e in exc.value.errors) == [(2, "fragile"), (2, "hazardous")]
    assert not Product.objects.exists()


def test_bulk_api_rows_carry_the_shipping_fields(categories):
    rows = [{"sku": "API-W", "name": "Panel", "category_code": "LIGHT-LED", "weight_kg": 3.75, "fragile": True,
             "hazardous": "evet"},
            {"sku": "API-N", "name": "Cable", "category_code": "CABLE", "weight_kg": None}]
    assert import_rows(kind="products", rows=rows, actor=None).created == 2
    assert shipping_of("API-W") == (Decimal("3.750"), True, True)
    assert shipping_of("API-N") == (None, False, False)
    with pytest.raises(ImportInvalid) as exc:
        import_rows(kind="products", actor=None, rows=[{"sku": "API-W", "name": "Panel", "category_code": "LIGHT-LED",
                                                        "weight_kg": -2}])
    assert [(e["row"], e["column"]) for e in exc.value.errors] == [(1, "weight_kg")]
    assert shipping_of("API-W") == (Decimal("3.750"), True, True)


# --- API ---------------------------------------------------------------------------------------------------------

def test_the_catalog_api_gives_weight_and_flags(client, owner):
    ProductFactory(sku="API-SHIP", weight_kg=Decimal("1.25"), fragile=True)
    ProductFactory(sku="API-NONE")
    client.force_login(owner)
    detail = client.get("/api/v1/products/API-SHIP/").json()
    assert (detail["weight_kg"], detail["fragile"], detail["hazardous"]) == ("1.250", True, False)
    listed = {p["sku"]: p for p in client.get("/api/v1/products/").json()["results"]}
    assert (listed["API-SHIP"]["weight_kg"], listed["API-SHIP"]["fragile"]) == ("1.250", True)
    assert (listed["API-NONE"]["weight_kg"], listed["API-NONE"]["hazardous"]) == (None, False)


def test_the_openapi_schema_describes_them(staff_client):
    schema = staff_client.get(reverse("api-schema"), {"format": "json"}).json()
    for name in ("ProductList", "ProductDetail"):
        properties = schema["components"]["schemas"][name]["properties"]
        assert properties["weight_kg"]["nullable"] is True and properties["weight_kg"]["type"] == "string"
        assert properties["fragile"]["type"] == properties["hazardous"]["type"] == "boolean"


# --- admin -------------------------------------------------------------------------------------------------------

def _admin_post(category, **override):
    data = {
        "sku": "ADM-W", "name": "Admin product", "category": category.pk, "active": "on", "unit": "piece",
        "pack_size": "1", "min_order_quantity": "1", "order_multiple": "1", "vat_rate": "20",
        "stock_quantity": "5", "lead_time_days": "0", "barcode": "", "description": "",
    }
    for prefix in ["images", "documents", "attributes"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(override)
    return data


def test_the_admin_shows_a_shipping_fieldset_and_saves_the_fields(staff_client):
    html = staff_client.get(reverse("admin:catalog_product_add")).content.decode()
    assert "<h2" in html and ">Shipping<" in html and 'name="weight_kg"' in html and 'name="hazardous"' in html
    response = staff_client.post(reverse("admin:catalog_product_add"), _admin_post(
        CategoryFactory(), weight_kg="2.5", fragile="on", hazardous="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert shipping_of("ADM-W") == (Decimal("2.500"), True, True)


def test_the_admin_refuses_a_negative_weight_as_a_form_error(staff_client):
    response = staff_client.post(reverse("admin:catalog_product_add"), _admin_post(CategoryFactory(), weight_kg="-1"))
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    assert not Product.objects.exists()


# --- product page ------------------------------------------------------------------------------------------------

def test_the_product_page_shows_weight_and_handling_notes_in_turkish(client, dealer, fake_prices):
    product = ProductFactory(sku="TR-SHIP", unit=Unit.BOX, weight_kg=Decimal("1.250"), fragile=True, hazardous=True)
    client.force_login(DealerUserFactory(dealer=dealer, language="tr"))
    html = client.get(reverse("catalog:product", args=[product.sku])).content.decode()
    facts = html.split('<dl class="facts">')[1].split("</dl>")[0]
    assert "<dt>Ağırlık</dt>" in facts and '<dd class="weight">1,25 kg</dd>' in facts
    assert '<span class="badge warn">Kırılabilir</span>' in facts
    assert '<span class="badge err">Tehlikeli madde</span>' in facts
    assert "bazı sevkiyat yöntemleri bu ürünü taşıyamaz" in facts


def test_the_product_page_says_nothing_of_an_unknown_weight_or_unset_flags(signed_in, fake_prices):
    product = ProductFactory(sku="PLAIN")
    html = signed_in.get(reverse("catalog:product", args=[product.sku])).content.decode()
    assert 'class="weight"' not in html and 'class="handling"' not in html
    product.fragile = True
    product.save()
    html = signed_in.get(reverse("catalog:product", args=[product.sku])).content.decode()
    assert '<span class="badge warn">Fragile</span>' in html and "Hazardous goods" not in html


# --- demo --------------------------------------------------------------------------------------------------------

def test_demo_products_have_weights_and_a_reload_fills_those_loaded_before(settings, tmp_path):
    from catalog import demo

    settings.MEDIA_ROOT = tmp_path / "media"
    demo.load()
    assert not Product.objects.filter(weight_kg__isnull=True).exists()
    panel = Product.objects.filter(category__name="LED Paneller").order_by("sku").first()
    assert panel.fragile and panel.weight_kg >= Decimal("3.5")
    cable = Product.objects.filter(category__name="NYM Kablolar").order_by("sku").first()
    assert not cable.fragile and not cable.hazardous
    # The solar floodlights (the fourth floodlight model, a lithium-ion battery inside) are hazardous goods.
    solar = Product.objects.filter(hazardous=True)
    assert solar.count() == 4 and {p.category.name for p in solar} == {"Projektörler"}
    assert all(p.fragile for p in solar)
    Product.objects.filter(category__name="LED Paneller").update(weight_kg=None, fragile=False)
    Product.objects.filter(hazardous=True).update(hazardous=False)  # loaded before the flag was used
    demo.load()  # already loaded: only fills what is missing
    assert Product.objects.get(pk=panel.pk).weight_kg == panel.weight_kg
    assert Product.objects.get(pk=panel.pk).fragile
    assert Product.objects.filter(hazardous=True).count() == 4


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_weight_and_notes_fit_the_product_page_on_a_phone(live_server, page, fake_prices):
    from dealers.testing import PASSWORD, DealerFactory
    from portal.testing import log_in

    dealer = DealerFactory()
    user = DealerUserFactory(dealer=dealer, email="phone@ship.example.com")
    product = ProductFactory(sku="PHONE-SHIP", name="LED Panel 60x60", weight_kg=Decimal("12.4"), fragile=True,
                             hazardous=True)
    fake_prices.set(product, "120.00")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, user.email, PASSWORD, dealer.code)
    page.goto(f"{live_server.url}{reverse('catalog:product', args=[product.sku])}")
    assert page.inner_text("dd.weight") == "12.4 kg"
    notes = page.locator("dd.handling")
    assert notes.locator(".badge").all_inner_texts() == ["Fragile", "Hazardous goods"]
    box = notes.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
