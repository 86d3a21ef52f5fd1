"""End to end with a real Celery worker: an uploaded file is imported in the background and its progress
and result are read from the cache."""
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from catalog.imports import service
from catalog.models import Product
from dealers.tests.factories import StaffFactory
from portal.testing import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def test_real_worker_imports_a_queued_file(celery_worker):
    staff = StaffFactory()
    service.import_file(kind="categories", path=SAMPLES / "categories.csv", by=staff)
    with transaction.atomic():
        job_id = service.start_import(kind="products", uploaded_file_path=SAMPLES / "products.xlsx", by=staff)
    try:
        wait_until(lambda: service.import_status(job_id)["finished"], 60, "the import job")
    except TimeoutError:
        print(celery_worker.output()[-5000:])
        raise
    status = service.import_status(job_id)
    assert status["phase"] == "done", status
    assert status["result"]["created"] == 4
    assert Product.objects.filter(search_vector__isnull=False).count() == 4
    (Path(settings.MEDIA_ROOT) / status["path"]).unlink()
