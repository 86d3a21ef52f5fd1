"""The REST API, version 1: every app's endpoints under /api/v1/."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from dealers import api as dealers_api

app_name = "api"

router = SimpleRouter(use_regex_path=False)  # path converters: `{id}` is an integer in the schema
router.register("dealers", dealers_api.DealerViewSet, basename="dealers")
router.register("me/addresses", dealers_api.AddressViewSet, basename="me-addresses")
router.register("me/users", dealers_api.DealerUserViewSet, basename="me-users")

urlpatterns = [
    path("me/company/", dealers_api.CompanyView.as_view(), name="me-company"),
    *router.urls,
]
