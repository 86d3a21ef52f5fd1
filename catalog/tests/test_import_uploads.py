"""Uploaded import files are deleted once their job finished longer ago than the retention; the report stays."""
import datetime
import os
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from catalog.imports import jobs, service
from catalog.imports.service import import_file
from catalog.tasks import delete_finished_import_uploads_task
from dealers.testing import StaffFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_UPLOAD_RETENTION_DAYS = 7


@pytest.fixture
def categories():
    return import_file(kind="categories", path=SAMPLES / "categories.csv", actor=None)


def start(kind, sample):
    with transaction.atomic():
        return service.start_import(kind=kind, uploaded_file_path=SAMPLES / sample, actor=None)


def upload_of(job_id) -> Path:
    return Path(settings.MEDIA_ROOT) / service.import_status(job_id)["path"]


def finished_job(kind="products", sample="products.csv"):
    job_id = start(kind, sample)
    assert service.run_import_job(job_id=job_id)["finished"]
    return job_id


def later(days):
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=False)


def make_old(path, days):
    stamp = (timezone.now() - datetime.timedelta(days=days)).timestamp()
    os.utime(path, (stamp, stamp))


@pytest.mark.parametrize("sample, phase", [("products.csv", "done"), ("bad_products.csv", "invalid")])
def test_finished_import_older_than_the_retention_loses_its_upload_and_keeps_its_report(
        client, categories, sample, phase):
    job_id = finished_job(sample=sample)
    upload = upload_of(job_id)
    assert upload.exists() and service.import_status(job_id)["phase"] == phase

    with later(days=8):
        assert service.delete_finished_import_uploads() == 1
    assert not upload.exists()

    client.force_login(StaffFactory())
    page = client.get(reverse("catalog_import:job", args=[job_id]))
    fragment = client.get(reverse("catalog_import:progress", args=[job_id]))
    assert page.status_code == 200 and fragment.status_code == 200
    html = fragment.content.decode()
    assert f'data-phase="{phase}"' in html
    if phase == "done":
        assert '<td class="created">4</td>' in html
    else:
        assert "import-errors" in html and "NO-SUCH-CATEGORY" in html


def test_recent_finished_import_keeps_its_upload(categories):
    job_id = finished_job()
    with later(days=6):
        assert service.delete_finished_import_uploads() == 0
    assert upload_of(job_id).exists()


def test_retention_comes_from_the_setting(settings, categories):
    settings.IMPORT_UPLOAD_RETENTION_DAYS = 1
    job_id = finished_job()
    with later(days=2):
        assert service.delete_finished_import_uploads() == 1
    assert not upload_of(job_id).exists()


def test_queued_and_running_imports_keep_their_uploads_however_old(categories):
    queued = start("products", "products.csv")
    running = start("products", "products.csv")
    status = service.import_status(running)
    status.update(phase="writing", rows_done=2, total=4)
    jobs._save_status(running, status)
    for job_id in (queued, running):
        make_old(upload_of(job_id), days=30)

    with later(days=30):
        assert service.delete_finished_import_uploads() == 0
    assert upload_of(queued).exists() and upload_of(running).exists()
    assert service.run_import_job(job_id=queued)["phase"] == "done"  # the queued job still runs from its file


def test_upload_whose_status_expired_goes_once_older_than_the_retention(categories):
    directory = Path(settings.MEDIA_ROOT) / jobs.IMPORT_DIR
    directory.mkdir(parents=True)
    old, recent, stray = directory / f"{'a' * 32}.csv", directory / f"{'b' * 32}.xlsx", directory / "notes.csv"
    for path in (old, recent, stray):
        path.write_text("sku\n")
    make_old(old, days=8)
    make_old(stray, days=30)

    assert service.delete_finished_import_uploads() == 1
    assert not old.exists() and recent.exists()
    assert stray.exists()  # not named like an upload: not the import's to delete


def test_deleting_twice_changes_nothing(categories):
    job_id = finished_job()
    with later(days=8):
        assert service.delete_finished_import_uploads() == 1
        assert service.delete_finished_import_uploads() == 0
    assert service.import_status(job_id)["phase"] == "done"


def test_no_upload_folder_yet_deletes_nothing():
    assert not (Path(settings.MEDIA_ROOT) / jobs.IMPORT_DIR).exists()
    assert service.delete_finished_import_uploads() == 0


def test_beat_runs_the_cleanup_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["delete-finished-import-uploads"]
    assert entry["task"] == delete_finished_import_uploads_task.name
    assert entry["schedule"].remaining_estimate(timezone.now()) <= datetime.timedelta(days=1)
