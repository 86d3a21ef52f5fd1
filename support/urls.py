"""URLs of support."""
from django.urls import path

from .views import metrics as metrics_views
from .views import satisfaction as satisfaction_views

app_name = "support"
urlpatterns: list = [
    # Satisfaction and metrics (H-METRICS): before the desk's and the tickets' <number> patterns.
    path("desk/metrics/", metrics_views.metrics, name="metrics"),
    path("rate/<str:token>/", satisfaction_views.rate_link, name="rate_link"),
    path("<str:number>/rate/", satisfaction_views.rate, name="rate"),
]
