"""URLs of dealers."""
from django.urls import path

from . import views

app_name = "dealers"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
]
