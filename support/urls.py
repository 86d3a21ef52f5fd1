"""URLs of support."""
from django.urls import path

from .views import faq as faq_views
from .views import metrics as metrics_views
from .views import satisfaction as satisfaction_views

app_name = "support"
urlpatterns: list = [
    # FAQ (H-FAQ): before the tickets' <number> patterns; "suggest" is not an article's slug.
    path("faq/", faq_views.faq, name="faq"),
    path("faq/suggest/", faq_views.faq_suggest, name="faq_suggest"),
    path("faq/<slug:slug>/", faq_views.faq_article, name="faq_article"),
    path("faq/<slug:slug>/vote/", faq_views.faq_vote, name="faq_vote"),
    # Satisfaction and metrics (H-METRICS): before the desk's and the tickets' <number> patterns.
    path("desk/metrics/", metrics_views.metrics, name="metrics"),
    path("rate/<str:token>/", satisfaction_views.rate_link, name="rate_link"),
    path("<str:number>/rate/", satisfaction_views.rate, name="rate"),
]
