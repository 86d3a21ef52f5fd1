"""URLs of feedback."""
app_name = "feedback"
urlpatterns: list = []

# Product reviews (F3): the user's reviews, the form, the moderation queue, a photo.
from django.urls import path  # noqa: E402

from .views import reviews as review_views  # noqa: E402

urlpatterns += [
    path("reviews/", review_views.my_reviews, name="my_reviews"),
    path("reviews/new/<int:product_id>/", review_views.review_new, name="review_new"),
    path("reviews/<int:pk>/edit/", review_views.review_edit, name="review_edit"),
    path("reviews/photos/<int:pk>/", review_views.review_photo, name="review_photo"),
    path("moderation/", review_views.moderation, name="moderation"),
    path("moderation/<int:pk>/<str:action>/", review_views.moderate, name="moderate"),
]
