"""The ERP import's price rows are pricing's: the catalog reads and checks the cells, pricing's writer (registered on
catalog.import_writer in pricing/apps.py) checks the rows against the price lists and writes them. Files and the bulk
API; every bad row reported, nothing written; re-import changes nothing."""
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from catalog import hooks as catalog_hooks
from catalog.imports.service import ImportInvalid, import_file, import_rows
from catalog.search import catalog_version
from dealers.testing import UserFactory
from portal.testing import grant_scope_permissions, token_client_for
from pricing.models import PriceList, PriceListItem
from pricing.services import price_imports

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def products():
    import_file(kind="categories", path=SAMPLES / "categories.csv", actor=None)
    return import_file(kind="products", path=SAMPLES / "products.csv", actor=None)


@pytest.fixture
def price_list():
    return PriceList.objects.create(name="List", kind=PriceList.Kind.MARKET, erp_code="LIST-TRY")


def test_pricing_registers_its_writer_of_the_price_rows():
    assert price_imports.import_writer in catalog_hooks.import_writer.functions
    assert price_imports.import_writer(kind="prices") is price_imports.write_price_rows
    assert price_imports.import_writer(kind="stock") is None


def test_an_import_with_price_columns_writes_through_pricings_writer(products, price_list, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    written = []
    upsert = price_imports.upsert_price_rows

    def spy(rows, **kwargs):
        written.append(list(rows))
        return upsert(rows, **kwargs)

    monkeypatch.setattr(price_imports, "upsert_price_rows", spy)
    before = catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        result = import_file(kind="prices", path=SAMPLES / "prices.csv", actor=None)
    assert result.created == 5 and len(written) == 1 and len(written[0]) == 5
    assert PriceListItem.objects.filter(price_list=price_list).count() == 5
    assert catalog_version() > before  # cached pages with prices are rendered again


def test_semicolon_csv_with_bom_and_decimal_commas(products, price_list, tmp_path):
    path = write(tmp_path, "prices.csv", "\ufeffprice_list_code;sku;min_quantity;unit_price\n"
                                         "LIST-TRY;LED-9W-E27;1;45,90\nLIST-TRY;LED-9W-E27;100;42.5\n")
    result = import_file(kind="prices", path=path, actor=None)
    assert result.created == 2
    assert sorted(PriceListItem.objects.values_list("min_quantity", "unit_price")) == [
        (Decimal("1.000"), Decimal("45.90")), (Decimal("100.000"), Decimal("42.50"))]


def test_prices_file_upserts_by_list_sku_and_quantity(products, price_list, tmp_path):
    first = import_file(kind="prices", path=SAMPLES / "prices.csv", actor=None)
    assert first.created == 5
    again = import_file(kind="prices", path=SAMPLES / "prices.csv", actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    path = write(tmp_path, "p.csv", "price_list_code,sku,min_quantity,unit_price\nLIST-TRY,LED-9W-E27,1,44.00\n")
    changed = import_file(kind="prices", path=path, actor=None)
    assert (changed.updated, changed.unchanged) == (1, 0)
    assert PriceListItem.objects.get(product__sku="LED-9W-E27", min_quantity=1).unit_price == Decimal("44.00")


def test_prices_with_unknown_list_or_sku_or_duplicate_write_nothing(products, price_list, tmp_path):
    path = write(tmp_path, "p.csv", "price_list_code,sku,min_quantity,unit_price\n"
                                    "LIST-TRY,LED-9W-E27,1,10\n"
                                    "NO-LIST,LED-9W-E27,1,10\n"
                                    "LIST-TRY,NO-SUCH-SKU,1,10\n"
                                    "LIST-TRY,LED-9W-E27,1.000,11\n"
                                    "LIST-TRY,LED-12W-E27,1,-3\n")
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="prices", path=path, actor=None)
    assert {(e["row"], e["column"]) for e in exc.value.errors} == {
        (3, "price_list_code"), (4, "sku"), (5, "min_quantity"), (6, "unit_price")}
    assert not PriceListItem.objects.exists()


def test_the_bulk_api_imports_prices(products, price_list):
    user = grant_scope_permissions(UserFactory(is_staff=True), ["catalog:write"])
    erp = token_client_for(user, ["catalog:write"])
    url = reverse("api:bulk-prices")
    prices = [{"price_list_code": "LIST-TRY", "sku": "LED-9W-E27", "unit_price": "10,50"},
              {"price_list_code": "LIST-TRY", "sku": "LED-9W-E27", "min_quantity": 10, "unit_price": 9.9}]
    assert erp.post(url, {"rows": prices}, format="json").json()["created"] == 2
    assert erp.post(url, {"rows": prices}, format="json").json()["unchanged"] == 2
    assert sorted(PriceListItem.objects.values_list("unit_price", flat=True)) == [Decimal("9.90"), Decimal("10.50")]
    bad = erp.post(url, {"rows": [{"price_list_code": "NOPE", "sku": "LED-9W-E27", "unit_price": 1}]}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["column"] == "price_list_code"


def test_import_rows_with_prices_in_process(products, price_list):
    result = import_rows(kind="prices", rows=[{"price_list_code": "LIST-TRY", "sku": "LED-9W-E27",
                                               "unit_price": "1"}], actor=None)
    assert result.created == 1
