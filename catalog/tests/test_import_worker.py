"""End to end with a real Celery worker: an uploaded file is imported in the background and its progress
and result are read from the cache; the daily cleanup deletes uploads of jobs finished long ago."""
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.imports import jobs, service
from catalog.models import Product
from catalog.tasks import delete_finished_import_uploads_task
from dealers.testing import StaffFactory
from portal.testing import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def test_real_worker_imports_a_queued_file(celery_worker):
    staff = StaffFactory()
    service.import_file(kind="categories", path=SAMPLES / "categories.csv", actor=staff)
    with transaction.atomic():
        job_id = service.start_import(kind="products", uploaded_file_path=SAMPLES / "products.xlsx", actor=staff)
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


def test_real_worker_deletes_uploads_of_imports_finished_long_ago(celery_worker):
    staff = StaffFactory()
    service.import_file(kind="categories", path=SAMPLES / "categories.csv", actor=staff)
    job_ids = []
    for _ in range(2):
        with transaction.atomic():
            job_ids.append(service.start_import(kind="products", uploaded_file_path=SAMPLES / "products.csv",
                                                actor=staff))
    old, recent = job_ids
    uploads = {job_id: Path(settings.MEDIA_ROOT) / service.import_status(job_id)["path"] for job_id in job_ids}
    try:
        wait_until(lambda: all(service.import_status(j)["finished"] for j in job_ids), 60, "the import jobs")
        status = service.import_status(old)
        status["finished_at"] = (timezone.now() - datetime.timedelta(days=30)).isoformat()
        jobs._save_status(old, status)

        task_id = delete_finished_import_uploads_task.delay().id
        wait_until(lambda: f"[{task_id}] succeeded" in celery_worker.output(), 30, "the cleanup task")
        assert not uploads[old].exists()
        assert uploads[recent].exists()
    except TimeoutError:
        print(celery_worker.output()[-5000:])
        raise
    finally:
        for upload in uploads.values():
            upload.unlink(missing_ok=True)
    assert service.import_status(old)["phase"] == "done"  # the report outlives its file
    assert service.import_status(recent)["phase"] == "done"
