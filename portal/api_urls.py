"""The REST API, version 1: every app's endpoints under /api/v1/."""
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from catalog import api as catalog_api
from dealers import api as dealers_api
from pricing import api as pricing_api

app_name = "api"

router = SimpleRouter(use_regex_path=False)  # path converters: `{id}` is an integer in the schema
router.register("dealers", dealers_api.DealerViewSet, basename="dealers")
router.register("me/addresses", dealers_api.AddressViewSet, basename="me-addresses")
router.register("me/users", dealers_api.DealerUserViewSet, basename="me-users")

urlpatterns = [
    path("me/company/", dealers_api.CompanyView.as_view(), name="me-company"),
    *router.urls,
    path("", include("catalog.api_bulk")),
    path("categories/", catalog_api.CategoryListView.as_view(), name="categories"),
    path("products/", catalog_api.ProductListView.as_view(), name="products"),
    path("products/<str:sku>/", catalog_api.ProductDetailView.as_view(), name="product"),
    path("prices/calculate/", pricing_api.PriceCalculatorView.as_view(), name="price-calculator"),
]
