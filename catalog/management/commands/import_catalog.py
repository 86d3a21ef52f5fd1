"""Import an ERP file (categories, products, prices or stock) from the command line, with a progress bar."""
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.imports.schema import KINDS
from catalog.imports.service import ImportInvalid, import_file, import_status, start_import
from portal.errors import DomainError

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Import categories, products, prices or stock from a CSV or XLSX file (see docs/import.md)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("path")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--sync", action="store_true",
                          help="Run the import in this process (the default).")
        mode.add_argument("--queue", action="store_true",
                          help="Hand the import to a Celery worker and follow its progress.")
        parser.add_argument("--user", help="E-mail of the user recorded in the audit log (default: system).")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args, kind, path, queue=False, user=None, no_progress=False, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(email__iexact=user).first()
            if actor is None:
                raise CommandError(_("No user with the e-mail %(email)s.") % {"email": user})
        self.show_progress = not no_progress
        self._drawn = False
        try:
            if queue:
                status = self._run_queued(kind, path, actor)
            else:
                try:
                    result = import_file(kind=kind, path=path, actor=actor, progress=self._draw)
                except FileNotFoundError:
                    raise CommandError(_("No such file: %(path)s") % {"path": path})
                status = {"phase": "done", "result": result.as_dict()}
        except ImportInvalid as exc:
            status = {"phase": "invalid", "errors": exc.errors, "error": str(exc.message)}
        except DomainError as exc:
            self._end_line()
            raise CommandError(str(exc.message))
        self._end_line()
        self._report(status)

    # --- progress --------------------------------------------------------------------------------------------

    def _draw(self, phase, done, total):
        if not self.show_progress:
            return
        total = max(total, done, 1)
        filled = int(BAR_WIDTH * done / total)
        line = f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {100 * done // total:3d}% {done}/{total} {phase:<10}"
        self.stdout.write(line, ending="")
        self.stdout.flush()
        self._drawn = True

    def _end_line(self):
        if self._drawn:
            self.stdout.write("")
            self._drawn = False

    def _run_queued(self, kind, path, actor):
        with transaction.atomic():
            job_id = start_import(kind=kind, uploaded_file_path=path, actor=actor)
        self.stdout.write(_("Job %(job)s queued.") % {"job": job_id})
        while True:
            status = import_status(job_id)
            if status is None:
                raise CommandError(_("The job's status has expired."))
            self._draw(status["phase"], status["rows_done"], status["total"])
            if status["finished"]:
                return status
            time.sleep(0.5)

    # --- report ----------------------------------------------------------------------------------------------

    def _report(self, status):
        if status["phase"] == "done":
            counts = status["result"]
            self.stdout.write(self.style.SUCCESS(
                _("Imported %(total)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % counts))
            return
        if status["phase"] == "failed":
            raise CommandError(status.get("error") or _("The import failed."))
        errors = status.get("errors", [])
        width = max([len(str(e["column"])) for e in errors] + [6])
        self.stdout.write(f"{_('row'):>6}  {_('column'):<{width}}  {_('message')}")
        for e in errors:
            self.stdout.write(f"{e['row']:>6}  {e['column']:<{width}}  {e['message']}")
        raise CommandError(status.get("error") or _("Some rows are invalid; nothing was written."), returncode=1)
