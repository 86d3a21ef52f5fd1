"""ERP import: CSV/XLSX files of categories, products and stock; every bad row reported, nothing written; re-import
changes nothing; the management command and the staff page. Prices are written by the stage that registers on
catalog.import_writer (pricing: pricing/tests/test_price_import.py); here, the hook point's contract without it."""
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from openpyxl import Workbook

from catalog import hooks
from catalog.errors import UnknownImportKind
from catalog.imports import service
from catalog.imports.schema import ean13_valid
from catalog.imports.service import ImportInvalid, import_file
from catalog.models import Category, Product
from catalog.search import name_text
from dealers.testing import StaffFactory, UserFactory
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def errors_of(exc_info):
    return {(e["row"], e["column"]) for e in exc_info.value.errors}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def categories():
    return import_file(kind="categories", path=SAMPLES / "categories.csv", actor=None)


@pytest.fixture
def products(categories):
    return import_file(kind="products", path=SAMPLES / "products.csv", actor=None)


def test_ean13_check_digit():
    assert ean13_valid("8690000000012")
    assert not ean13_valid("8690000000013")
    assert not ean13_valid("869000000001")
    assert not ean13_valid("869000000001x")


def test_categories_file_builds_the_tree(categories):
    assert categories.created == 4
    led = Category.objects.get(erp_code="LIGHT-LED")
    assert led.parent.erp_code == "LIGHT"
    assert led.path == f"{led.parent_id}/{led.pk}/" and led.depth == 1


def test_csv_products_file_creates_products_with_search_text(products):
    assert (products.total, products.created, products.updated, products.unchanged) == (4, 4, 0, 0)
    cable = Product.objects.get(sku="NYM-3X2.5")
    assert cable.category.erp_code == "CABLE-NYM"
    assert cable.unit == "metre" and cable.min_order_quantity == Decimal("12.5")
    assert cable.order_multiple == Decimal("0.5") and cable.allow_backorder is True
    assert "celik iletken" in cable.search_text and "nym-3x2.5" in cable.search_text
    assert cable.search_name == name_text(sku=cable.sku, barcode=cable.barcode, name=cable.name,
                                          manufacturer_code=cable.manufacturer_code, erp_code=cable.erp_code)
    assert Product.objects.filter(search_vector__isnull=True).count() == 0
    assert Product.objects.get(sku="LED-9W-E27").barcode == "8690000000012"
    assert AuditEntry.objects.filter(action="catalog.import", data__kind="products").count() == 1


def test_xlsx_products_file_creates_the_same_products(categories):
    result = import_file(kind="products", path=SAMPLES / "products.xlsx", actor=None)
    assert result.created == 4
    cable = Product.objects.get(sku="NYM-3X2.5")
    assert cable.min_order_quantity == Decimal("12.5") and cable.barcode == "8690000000043"
    # The CSV carries the same rows: importing it after the XLSX changes nothing.
    again = import_file(kind="products", path=SAMPLES / "products.csv", actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_reimporting_the_same_file_changes_nothing(products):
    stamps = dict(Product.objects.values_list("sku", "updated_at"))
    again = import_file(kind="products", path=SAMPLES / "products.csv", actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert dict(Product.objects.values_list("sku", "updated_at")) == stamps
    cats = import_file(kind="categories", path=SAMPLES / "categories.csv", actor=None)
    assert (cats.created, cats.updated, cats.unchanged) == (0, 0, 4)


def test_changed_row_is_updated_and_missing_columns_keep_stored_values(products, tmp_path):
    path = write(tmp_path, "p.csv", "sku,name,category_code\nLED-9W-E27,LED bulb 9 W E27 (new),LIGHT-LED\n"
                                    "LED-12W-E27,LED bulb 12 W E27,LIGHT-LED\n")
    result = import_file(kind="products", path=path, actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    bulb = Product.objects.get(sku="LED-9W-E27")
    assert bulb.name == "LED bulb 9 W E27 (new)" and bulb.barcode == "8690000000012"
    assert "(new)" in bulb.search_text


def test_bad_products_file_reports_every_bad_row_and_writes_nothing(categories):
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="products", path=SAMPLES / "bad_products.csv", actor=None)
    assert errors_of(exc) >= {
        (2, "category_code"),   # unknown category
        (3, "unit"),            # unknown unit
        (4, "pack_size"),       # bad decimal
        (4, "barcode"),         # wrong EAN-13 check digit
        (5, "sku"),             # duplicate SKU in the file
        (5, "vat_rate"),        # over 100
        (5, "active"),          # not yes/no
        (6, "sku"),             # required
    }
    assert exc.value.code == "catalog.import_invalid"
    assert Product.objects.count() == 0


def test_one_bad_row_among_good_ones_writes_nothing(categories, tmp_path):
    path = write(tmp_path, "p.csv", "sku,name,category_code,min_order_quantity\n"
                                    "A-1,Good,LIGHT,1\nA-2,Fraction of a piece,LIGHT,1.5\n")
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="products", path=path, actor=None)
    assert errors_of(exc) == {(3, "min_order_quantity")}
    assert not Product.objects.exists()


def test_unknown_and_missing_columns_are_reported_on_the_header_row(categories, tmp_path):
    path = write(tmp_path, "p.csv", "sku,nmae,category_code\nA-1,Typo,LIGHT\n")
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="products", path=path, actor=None)
    assert errors_of(exc) == {(1, "nmae"), (1, "name")}


def test_tab_delimited_csv(categories, tmp_path):
    path = write(tmp_path, "p.tsv", "sku\tname\tcategory_code\tvat_rate\nT-1\tTabbed\tLIGHT\t10,5\n")
    import_file(kind="products", path=path, actor=None)
    assert Product.objects.get(sku="T-1").vat_rate == Decimal("10.50")


def test_stock_file_sets_quantities_and_lead_times(products, tmp_path):
    result = import_file(kind="stock", path=SAMPLES / "stock.csv", actor=None)
    assert (result.updated, result.unchanged) == (4, 0)
    cable = Product.objects.get(sku="NYM-3X2.5")
    assert cable.stock_quantity == Decimal("2500.5")
    assert Product.objects.get(sku="LED-12W-E27").lead_time_days == 10
    assert Product.objects.get(sku="LED-PANEL-60").lead_time_days == 0  # empty cell: the default
    again = import_file(kind="stock", path=SAMPLES / "stock.csv", actor=None)
    assert (again.updated, again.unchanged) == (0, 4)


def test_negative_stock_and_unknown_sku_are_refused(products, tmp_path):
    path = write(tmp_path, "s.csv", "sku,stock_quantity\nLED-9W-E27,-5\nGHOST,3\nLED-12W-E27,7\n")
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="stock", path=path, actor=None)
    assert errors_of(exc) == {(2, "stock_quantity"), (3, "sku")}
    assert Product.objects.get(sku="LED-12W-E27").stock_quantity == 0


def test_category_with_unknown_parent_or_loop_is_refused(tmp_path):
    path = write(tmp_path, "c.csv", "code,name,parent_code\nA,A,B\nB,B,A\nC,C,NOPE\nD,D,D\n")
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="categories", path=path, actor=None)
    assert errors_of(exc) == {(2, "parent_code"), (3, "parent_code"), (4, "parent_code"), (5, "parent_code")}
    assert not Category.objects.exists()


def test_moving_a_category_moves_its_subtree(categories, tmp_path):
    path = write(tmp_path, "c.csv", "code,name,parent_code\nLIGHT,Lighting,CABLE\n")
    result = import_file(kind="categories", path=path, actor=None)
    assert result.updated == 1
    cable, light, led = (Category.objects.get(erp_code=c) for c in ("CABLE", "LIGHT", "LIGHT-LED"))
    assert led.path == f"{cable.pk}/{light.pk}/{led.pk}/" and led.depth == 2


def test_unreadable_xlsx_is_reported(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="products", path=path, actor=None)
    assert exc.value.errors[0]["row"] == 0


def test_xlsx_numbers_read_as_typed(categories, tmp_path):
    wb = Workbook()
    wb.active.append(["sku", "name", "category_code", "barcode", "vat_rate", "active"])
    wb.active.append(["X-1", "Numbers", "LIGHT", 8690000000050, 8.0, True])
    wb.save(tmp_path / "n.xlsx")
    import_file(kind="products", path=tmp_path / "n.xlsx", actor=None)
    product = Product.objects.get(sku="X-1")
    assert product.barcode == "8690000000050" and product.vat_rate == Decimal("8.00")


# --- the management command ------------------------------------------------------------------------------------

def test_command_prints_progress_and_counts(categories, capsys):
    call_command("import_catalog", "products", str(SAMPLES / "products.csv"))
    out = capsys.readouterr().out
    assert "\r[" in out and "100%" in out
    assert "4 created, 0 updated, 0 unchanged" in out


def test_command_reports_bad_rows_and_exits_with_1(categories, capsys):
    with pytest.raises(CommandError) as exc:
        call_command("import_catalog", "products", str(SAMPLES / "bad_products.csv"), "--no-progress")
    assert exc.value.returncode == 1
    out = capsys.readouterr().out
    assert "category_code" in out and "NO-SUCH-CATEGORY" in out
    assert Product.objects.count() == 0


def test_command_exit_code_in_a_real_process(tmp_path):
    # A fresh process reads the test database the suite created; bad rows exit with 1 before any write.
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    path = write(tmp_path, "bad.csv", "sku,stock_quantity\nGHOST,-1\n")
    proc = subprocess.run([sys.executable, "manage.py", "import_catalog", "stock", str(path), "--no-progress"],
                          cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "GHOST" in proc.stdout


# --- the staff page ----------------------------------------------------------------------------------------------

START = reverse("catalog_import:start")


def upload(client, kind, path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(START, {"kind": kind, "file": SimpleUploadedFile(path.name, path.read_bytes())})
    assert response.status_code == 302, response.content
    job_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert len(callbacks) == 1  # the task is enqueued after commit
    return job_id


def test_import_page_is_for_staff_with_catalog_permission(client):
    assert client.get(START).status_code == 302  # to the admin login
    client.force_login(UserFactory())
    assert client.get(START).status_code == 302
    client.force_login(UserFactory(is_staff=True))  # staff without catalog rights (e.g. a sales agent)
    assert client.get(START).status_code == 403
    client.force_login(StaffFactory())
    assert client.get(START).status_code == 200


def test_staff_uploads_a_file_and_follows_it_to_the_counts(client, categories, django_capture_on_commit_callbacks,
                                                          django_assert_max_num_queries):
    client.force_login(StaffFactory())
    job_id = upload(client, "products", SAMPLES / "products.csv", django_capture_on_commit_callbacks)
    assert service.import_status(job_id)["phase"] == "queued"
    page = client.get(reverse("catalog_import:job", args=[job_id])).content.decode()
    assert 'hx-trigger="every 1s"' in page and reverse("catalog_import:progress", args=[job_id]) in page
    assert (Path(settings.MEDIA_ROOT) / service.import_status(job_id)["path"]).exists()
    service.run_import_job(job_id=job_id)  # what the worker does
    with django_assert_max_num_queries(3):
        fragment = client.get(reverse("catalog_import:progress", args=[job_id])).content.decode()
    assert "hx-get" not in fragment  # finished: polling stops
    assert '<td class="created">4</td>' in fragment
    assert Product.objects.count() == 4
    assert AuditEntry.objects.filter(action="catalog.import_started", data__job_id=job_id).exists()


def test_staff_page_shows_every_bad_row(client, categories, django_capture_on_commit_callbacks):
    client.force_login(StaffFactory())
    job_id = upload(client, "products", SAMPLES / "bad_products.csv", django_capture_on_commit_callbacks)
    service.run_import_job(job_id=job_id)
    fragment = client.get(reverse("catalog_import:progress", args=[job_id])).content.decode()
    assert "import-errors" in fragment and "NO-SUCH-CATEGORY" in fragment and "bucket" in fragment
    assert fragment.count("<tr><td>") == len(service.import_status(job_id)["errors"])
    assert Product.objects.count() == 0


def test_upload_of_a_wrong_file_type_is_a_form_error(client):
    client.force_login(StaffFactory())
    response = client.post(START, {"kind": "products", "file": SimpleUploadedFile("x.pdf", b"%PDF-")})
    assert response.status_code == 200 and ".csv" in response.content.decode()


def test_unknown_job_is_404(client):
    client.force_login(StaffFactory())
    assert client.get(reverse("catalog_import:job", args=["nope"])).status_code == 404


def test_running_a_job_twice_imports_once(categories, tmp_path):
    with transaction.atomic():
        job_id = service.start_import(kind="products", uploaded_file_path=SAMPLES / "products.csv", actor=None)
    first = service.run_import_job(job_id=job_id)
    second = service.run_import_job(job_id=job_id)
    assert first["result"]["created"] == 4 and second["result"]["created"] == 4
    assert AuditEntry.objects.filter(action="catalog.import", data__kind="products").count() == 1


def test_numbers_too_large_or_too_precise_are_cell_errors(categories, tmp_path):
    path = write(tmp_path, "p.csv", "sku,name,category_code,pack_size,vat_rate\n"
                                    f"A,A,LIGHT,{'9' * 40},20\nB,B,LIGHT,1.0001,20\nC,C,LIGHT,1e3,20\n")
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="products", path=path, actor=None)
    assert errors_of(exc) == {(2, "pack_size"), (3, "pack_size"), (4, "pack_size")}


def test_loop_through_stored_categories_is_refused(categories, tmp_path):
    path = write(tmp_path, "c.csv", "code,name,parent_code\nLIGHT,Lighting,LIGHT-LED\n")
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="categories", path=path, actor=None)
    assert errors_of(exc) == {(2, "parent_code")}
    assert Category.objects.get(erp_code="LIGHT").parent is None


def test_changing_the_unit_to_a_whole_one_checks_stored_quantities(products, tmp_path):
    path = write(tmp_path, "p.csv", "sku,name,category_code,unit\nNYM-3X2.5,Cable,CABLE-NYM,piece\n")
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="products", path=path, actor=None)
    assert errors_of(exc) == {(2, "unit")}



def test_a_kind_no_stage_writes_is_refused_and_the_catalogs_own_kinds_still_import(products, tmp_path):
    prices = write(tmp_path, "p.csv", "price_list_code,sku,min_quantity,unit_price\nLIST-TRY,LED-9W-E27,1,10\n")
    stock = write(tmp_path, "s.csv", "sku,stock_quantity\nLED-9W-E27,7\n")
    # Nobody registered on catalog.import_writer (the pricing stage not installed): prices cannot be imported.
    with hooks.import_writer.unregistered():
        with pytest.raises(UnknownImportKind) as exc:
            import_file(kind="prices", path=prices, actor=None)
        assert exc.value.code == "catalog.import_kind"
        with pytest.raises(UnknownImportKind):
            service.start_import(kind="prices", uploaded_file_path=prices, actor=None)
        assert import_file(kind="stock", path=stock, actor=None).updated == 1


def test_a_registered_writer_gets_the_checked_rows_inside_the_import(products, tmp_path):
    seen = []

    def writer(parsed, errors, result, progress):
        seen.extend(values for _number, values in parsed)
        result.created += len(parsed)

    def provide(*, kind):
        return writer if kind == "prices" else None

    path = write(tmp_path, "p.csv", "price_list_code,sku,unit_price\nLIST-TRY,LED-9W-E27,45.90\n")
    with hooks.import_writer.unregistered(), hooks.import_writer.registered(provide):
        result = import_file(kind="prices", path=path, actor=None)
    assert result.created == 1
    assert seen == [{"price_list_code": "LIST-TRY", "sku": "LED-9W-E27", "unit_price": Decimal("45.90")}]
    assert AuditEntry.objects.filter(action="catalog.import", data__kind="prices").exists()
