"""URLs of shipping."""
app_name = "shipping"
urlpatterns: list = []

# Carriers' signed tracking webhook (views/webhooks.py, issue 14 section 4).
from django.urls import path  # noqa: E402

from .views import webhooks as webhook_views  # noqa: E402

urlpatterns += [
    path("webhooks/<slug:carrier>/", webhook_views.webhook, name="webhook"),
]
