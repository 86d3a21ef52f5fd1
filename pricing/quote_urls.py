"""URLs of quotes (/quotes/): the dealer's pages and the staff editor."""
from django.urls import path

from . import views

app_name = "quotes"
urlpatterns = [
    path("", views.quote_list, name="list"),
    path("new/", views.quote_new, name="new"),
    path("work/", views.work_list, name="work"),
    path("<str:number>/", views.quote_detail, name="detail"),
    path("<str:number>/accept/", views.quote_accept, name="accept"),
    path("<str:number>/reject/", views.quote_reject, name="reject"),
    path("<str:number>/edit/", views.quote_edit, name="edit"),
    path("<str:number>/revisions/<int:revision>/", views.quote_revision, name="revision"),
    path("<str:number>/revisions/<int:revision>/pdf/", views.quote_revision_pdf, name="revision_pdf"),
]
