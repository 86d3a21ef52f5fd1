"""A catalog manager's ERP import in a real Chromium with a real Celery worker: log in through the admin, upload a
products file with mistakes and read the exact report (nothing written), then upload the good file and see the
counts, with the products in the database."""
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from catalog.imports import service
from catalog.models import Product
from dealers.testing import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
GOOD_SKUS = {"LED-9W-E27", "LED-12W-E27", "LED-PANEL-60", "NYM-3X2.5"}
# What docs/samples/bad_products.csv must be reported as: (row, column, message), rows counted as in a spreadsheet.
BAD_FILE_REPORT = [
    ("2", "category_code", "Unknown category code “NO-SUCH-CATEGORY”."),
    ("3", "unit", "Unknown unit “bucket”; use one of: piece, box, pack, set, litre, kg, metre, m2."),
    ("4", "pack_size", "“4,5x” is not a number; write it like 12.50 or 12,50."),
    ("4", "barcode", "“8690000000037” is not a valid EAN-13 barcode (13 digits with a correct check digit)."),
    ("5", "vat_rate", "Must be at most 100."),
    ("5", "active", "“maybe” is not yes/no; write 1 or 0, true or false."),
    ("5", "sku", "The SKU “LED-9W-E27” appears again (first on row 2)."),
    ("6", "sku", "This column is required."),
]


@pytest.fixture
def catalog_manager(db):
    """Staff who may import (catalog.change_product) but is no superuser: the page checks the permission itself."""
    user = UserFactory(email="catalog@portal.example.com", is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="catalog", codename="change_product"))
    return user


@pytest.fixture
def uploaded_jobs():
    """Job ids started by the test; their copies under MEDIA_ROOT/private/imports/ are removed afterwards."""
    jobs = []
    yield jobs
    for job_id in jobs:
        status = service.import_status(job_id)
        if status:
            (Path(settings.MEDIA_ROOT) / status["path"]).unlink(missing_ok=True)


def upload(page, kind, path, uploaded_jobs):
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Start the import").click()
    page.wait_for_url("**/catalog/import/*/")
    uploaded_jobs.append(page.url.rstrip("/").rsplit("/", 1)[1])
    assert page.locator("h1").inner_text() == f"Import of {path.name}"


def wait_for_the_job(page, celery_worker):
    """The progress fragment polls every second (htmx) until the worker has finished the job."""
    progress = page.locator("#import-progress[data-phase=done], #import-progress[data-phase=invalid], "
                            "#import-progress[data-phase=failed]")
    try:
        progress.wait_for(timeout=60_000)
    except Exception:
        print(celery_worker.output()[-5000:])
        raise
    return progress


def test_manager_sees_every_bad_row_then_imports_the_good_file(live_server, page, celery_worker, catalog_manager,
                                                               uploaded_jobs):
    service.import_file(kind="categories", path=SAMPLES / "categories.csv", actor=None)
    base = live_server.url

    # The import page sends someone not logged in to the admin login, and back after it.
    page.goto(base + "/catalog/import/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", catalog_manager.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/catalog/import/")
    assert page.locator("h1").inner_text() == "Import from ERP"

    # 1. A products file with mistakes: every problem is listed with its row and column, nothing is written.
    products_before = Product.objects.count()
    upload(page, "products", SAMPLES / "bad_products.csv", uploaded_jobs)
    progress = wait_for_the_job(page, celery_worker)
    assert progress.get_attribute("data-phase") == "invalid"
    assert progress.locator("p.message.error").inner_text() == "5 rows are invalid; nothing was written."
    shown = [tuple(cell.strip() for cell in row.locator("td").all_inner_texts())
             for row in progress.locator("table.import-errors tbody tr").all()]
    assert sorted(shown) == sorted(BAD_FILE_REPORT)
    assert [int(row) for row, _column, _message in shown] == sorted(int(row) for row, _c, _m in shown)
    assert progress.get_attribute("hx-get") is None  # finished: the page stops polling
    assert Product.objects.count() == products_before
    assert not Product.objects.filter(sku__in=GOOD_SKUS).exists()

    # 2. The corrected file: the page reports the counts and the products are in the catalog.
    page.get_by_role("link", name="Import another file").click()
    page.wait_for_url("**/catalog/import/")
    upload(page, "products", SAMPLES / "products.csv", uploaded_jobs)
    progress = wait_for_the_job(page, celery_worker)
    assert progress.get_attribute("data-phase") == "done"
    assert progress.locator("p.message.success").inner_text() == "The import is complete."
    counts = {name: progress.locator(f"td.{name}").inner_text()
              for name in ("rows", "created", "updated", "unchanged")}
    assert counts == {"rows": "4", "created": "4", "updated": "0", "unchanged": "0"}
    assert progress.locator("table.import-errors").count() == 0

    assert Product.objects.count() == products_before + 4
    assert set(Product.objects.filter(sku__in=GOOD_SKUS).values_list("sku", flat=True)) == GOOD_SKUS
    cable = Product.objects.select_related("category").get(sku="NYM-3X2.5")
    assert cable.category.erp_code == "CABLE-NYM"
    assert (cable.unit, cable.min_order_quantity, cable.order_multiple) == ("metre", Decimal("12.5"), Decimal("0.5"))
    assert Product.objects.filter(sku__in=GOOD_SKUS, search_vector__isnull=False).count() == 4
