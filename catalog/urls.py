"""URLs of catalog."""
from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("c/<slug:slug>/", views.product_list, name="category"),
    path("p/<str:sku>/", views.product_detail, name="product"),
    path("p/<str:sku>/check/", views.check_quantity, name="check_quantity"),
    path("documents/<int:pk>/", views.download_document, name="document"),
]
