"""Staff page of the ERP import: upload a file with its kind, follow the job's progress, read the report."""
from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from portal import spreadsheets
from portal.errors import DomainError, add_to_form

from . import permissions
from .imports.readers import xlsx_limits
from .imports.schema import COLUMNS, KIND_CHOICES
from .imports.service import import_status, start_import

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
REPORT_ROWS_SHOWN = 1000


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KIND_CHOICES)
    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 100 MB; split it or use the command line."))
        if upload.read(4) == b"PK\x03\x04":  # an XLSX: its declared unpacked size, at once (the job checks in full)
            try:
                spreadsheets.check_xlsx(upload, xlsx_limits(), count_actual=False)
            except spreadsheets.SpreadsheetRefused as exc:
                raise forms.ValidationError(str(exc)) from None
        upload.seek(0)
        return upload


def _check_may_import(user):
    if not permissions.can_import(user):
        raise PermissionDenied


@staff_member_required
def import_start(request):
    _check_may_import(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job_id = start_import(kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], actor=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect("catalog_import:job", job_id=job_id)
    return render(request, "catalog/import/start.html", {"form": form, "columns": COLUMNS})


def _status_or_404(job_id):
    status = import_status(job_id)
    if status is None:
        raise Http404
    return status


def _context(status):
    errors = status.get("errors") or []
    percent = 0
    if status.get("total"):
        percent = min(100, int(100 * status["rows_done"] / status["total"]))
    return {"job": status, "errors": errors[:REPORT_ROWS_SHOWN], "errors_hidden": max(len(errors) - REPORT_ROWS_SHOWN, 0),
            "percent": 100 if status.get("phase") == "done" else percent}


@staff_member_required
def import_job(request, job_id):
    _check_may_import(request.user)
    return render(request, "catalog/import/job.html", _context(_status_or_404(job_id)))


@staff_member_required
def import_progress(request, job_id):
    """The htmx fragment polled every second; once the job finished it stops polling."""
    _check_may_import(request.user)
    return render(request, "catalog/import/_progress.html", _context(_status_or_404(job_id)))
