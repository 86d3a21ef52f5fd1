"""Celery tasks of catalog."""
from celery import shared_task


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def import_file_task(job_id):
    """Run a queued ERP import job; safe to run twice (a job that left "queued" is not run again)."""
    from catalog.imports.service import run_import_job

    run_import_job(job_id=job_id)


@shared_task
def delete_finished_import_uploads_task():
    """Beat job (daily): delete uploaded import files of jobs finished longer ago than the retention; idempotent."""
    from catalog.imports.service import delete_finished_import_uploads

    return delete_finished_import_uploads()
