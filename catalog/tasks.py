"""Celery tasks of catalog. The import job's task lives with the job (catalog/imports/jobs.py, under its old name
catalog.tasks.import_file_task): the jobs module enqueues it without importing this module, so there is no cycle."""
from celery import shared_task

from catalog.imports.jobs import delete_finished_import_uploads, import_file_task

__all__ = ["delete_finished_import_uploads_task", "import_file_task"]


@shared_task
def delete_finished_import_uploads_task():
    """Beat job (daily): delete uploaded import files of jobs finished longer ago than the retention; idempotent."""
    return delete_finished_import_uploads()
