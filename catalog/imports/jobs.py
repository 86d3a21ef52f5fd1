"""Background import jobs: the uploaded file kept under MEDIA_ROOT/private/imports/, the job's status and report
in the cache, the Celery task's run, and the deletion of uploads no longer needed."""
import datetime
import logging
import re
import shutil
import time
import uuid
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import audit
from portal.errors import DomainError
from portal.queue import enqueue_on_commit

from .rows import ImportInvalid
from .tables import check_kind, import_file

log = logging.getLogger(__name__)

JOB_TTL = 7 * 24 * 3600
IMPORT_DIR = "private/imports"
# What start_import names an upload: the job id (uuid4 hex) and the file's kind.
UPLOAD_NAME = re.compile(r"^(?P<job_id>[0-9a-f]{32})\.(csv|xlsx)$")
STATUS_LOOKUP_CHUNK = 500


def _job_key(job_id):
    return f"catalog:import:{job_id}"


def import_status(job_id) -> dict | None:
    """The job's state from the cache: phase (queued, validating, writing, done, invalid, failed), rows_done,
    total, result counts, errors [{row, column, message}], error (an unexpected failure) and finished."""
    return cache.get(_job_key(job_id))


def _save_status(job_id, status):
    cache.set(_job_key(job_id), status, JOB_TTL)


def _import_dir() -> Path:
    directory = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@shared_task(name="catalog.tasks.import_file_task", acks_late=True, time_limit=1800, soft_time_limit=1700)
def import_file_task(job_id):
    """Run a queued ERP import job; safe to run twice (a job that left "queued" is not run again). Defined here, next
    to what it runs, and exported by catalog.tasks, so this module needs no import of the tasks module."""
    run_import_job(job_id=job_id)


def start_import(*, kind, uploaded_file_path=None, upload=None, actor, filename=None) -> str:
    """Store the file under MEDIA_ROOT/private/imports/, record who started it and enqueue the import after commit.

    Give either a path (copied) or an uploaded file object (streamed). Returns the job id for import_status().
    """
    check_kind(kind)
    job_id = uuid.uuid4().hex
    name = filename or (upload.name if upload is not None else Path(uploaded_file_path).name)
    suffix = ".xlsx" if str(name).lower().endswith((".xlsx", ".xlsm")) else ".csv"
    target = _import_dir() / f"{job_id}{suffix}"
    if upload is not None:
        with open(target, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
    else:
        shutil.copyfile(uploaded_file_path, target)
    status = {
        "job_id": job_id, "kind": kind, "filename": str(name), "path": str(target.relative_to(settings.MEDIA_ROOT)),
        "by_id": getattr(actor, "pk", None), "language": translation.get_language() or settings.LANGUAGE_CODE,
        "phase": "queued", "rows_done": 0, "total": 0, "result": None, "errors": [], "error": "",
        "finished": False, "started_at": timezone.now().isoformat(),
    }
    with transaction.atomic():
        _save_status(job_id, status)
        audit.record(actor=actor, action="catalog.import_started", data={"kind": kind, "job_id": job_id,
                                                                       "filename": str(name)})
        enqueue_on_commit(import_file_task, job_id)
    return job_id


def run_import_job(*, job_id) -> dict | None:
    """Run a queued job (the Celery task calls this). A job already finished or running is left alone."""
    from django.contrib.auth import get_user_model

    status = import_status(job_id)
    if status is None:
        log.warning("Import job %s has no status (expired?)", job_id)
        return None
    if status["finished"] or status["phase"] != "queued":
        return status
    actor = get_user_model().objects.filter(pk=status["by_id"]).first() if status["by_id"] else None
    last_write = [0.0]

    def progress(phase, done, total):
        now = time.monotonic()
        if phase != status["phase"] or now - last_write[0] > 0.5:
            last_write[0] = now
            status.update(phase=phase, rows_done=done, total=total)
            _save_status(job_id, status)

    status["phase"] = "validating"
    _save_status(job_id, status)
    with translation.override(status["language"]):
        try:
            result = import_file(kind=status["kind"], path=Path(settings.MEDIA_ROOT) / status["path"], actor=actor,
                                 progress=progress)
        except ImportInvalid as exc:
            status.update(phase="invalid", errors=exc.errors, error=str(exc.message), finished=True)
        except DomainError as exc:
            status.update(phase="failed", error=str(exc.message), finished=True)
        except Exception as exc:  # an unexpected failure is shown on the page instead of a job stuck "running"
            log.exception("Import job %s failed", job_id)
            status.update(phase="failed", error=_("The import failed unexpectedly: %(error)s") % {"error": exc},
                          finished=True)
        else:
            status.update(phase="done", result=result.as_dict(), rows_done=result.total, total=result.total,
                          finished=True)
    status["finished_at"] = timezone.now().isoformat()
    _save_status(job_id, status)
    return status


# --- uploads no longer needed ------------------------------------------------------------------------------------

def _finished_at(status):
    try:
        ended = datetime.datetime.fromisoformat(status["finished_at"])
    except (KeyError, TypeError, ValueError):
        return None
    return timezone.make_aware(ended) if timezone.is_naive(ended) else ended


def delete_finished_import_uploads(*, older_than_days=None) -> int:
    """Delete the uploaded files of import jobs that finished (done, invalid or failed) more than
    `older_than_days` ago (default: settings.IMPORT_UPLOAD_RETENTION_DAYS). Returns how many were deleted.

    A job's report lives in its cache status, not in the file, so the page keeps showing it. A queued or running
    job keeps its file. A file whose status has expired from the cache belongs to a job that can never run
    (run_import_job refuses it), so it goes once the file itself is older than the retention. Safe to run twice.
    """
    days = settings.IMPORT_UPLOAD_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - datetime.timedelta(days=max(days, 0))
    directory = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    if not directory.is_dir():
        return 0
    uploads = {}
    for path in directory.iterdir():
        match = UPLOAD_NAME.match(path.name)
        if match and path.is_file():
            uploads[match["job_id"]] = path
    deleted = 0
    job_ids = sorted(uploads)
    for start in range(0, len(job_ids), STATUS_LOOKUP_CHUNK):
        chunk = job_ids[start:start + STATUS_LOOKUP_CHUNK]
        statuses = cache.get_many([_job_key(job_id) for job_id in chunk])
        for job_id in chunk:
            path = uploads[job_id]
            status = statuses.get(_job_key(job_id))
            if status is not None and not status.get("finished"):
                continue
            ended = _finished_at(status) if status is not None else None
            if ended is None:
                try:
                    ended = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
                except FileNotFoundError:
                    continue  # deleted meanwhile by another run of this cleanup
            if ended < cutoff:
                path.unlink(missing_ok=True)
                deleted += 1
    if deleted:
        log.info("Deleted %d uploaded import file(s) older than %d day(s)", deleted, days)
    return deleted
