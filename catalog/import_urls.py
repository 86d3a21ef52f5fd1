"""URLs of the staff import page (mounted at /catalog/import/)."""
from django.urls import path

from . import import_views

app_name = "catalog_import"
urlpatterns = [
    path("", import_views.import_start, name="start"),
    path("<slug:job_id>/", import_views.import_job, name="job"),
    path("<slug:job_id>/progress/", import_views.import_progress, name="progress"),
]
