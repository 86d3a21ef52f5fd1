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

# NPS (F1): the answer page of the invitation mail's link (no login; the signed token is the credential).
from .views import nps as nps_views  # noqa: E402

urlpatterns += [
    path("nps/<str:token>/", nps_views.nps_answer, name="nps_answer"),
]

# Closing the loop and stories (F2): the dealer's story page; staff move a detractor follow-up by hand.
from .views import stories as story_views  # noqa: E402

urlpatterns += [
    path("stories/<int:pk>/", story_views.story, name="story"),
    path("loops/<int:pk>/move/", story_views.loop_move, name="loop_move"),
]

# The "voice of the dealer" dashboard (F5): managers' figures and their CSV.
from .views import dashboard as dashboard_views  # noqa: E402

urlpatterns += [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/csv/", dashboard_views.dashboard, {"export": "csv"}, name="dashboard_csv"),
]

# Reviews on the catalog (F4): the product page's reviews section again (sort, stars, page), the "Write a review" box,
# the "Helpful" toggle.
from .views import display as display_views  # noqa: E402

urlpatterns += [
    path("products/<int:product_id>/reviews/", display_views.product_reviews, name="product_reviews"),
    path("products/<int:product_id>/review-action/", display_views.review_action, name="review_action"),
    path("reviews/<int:pk>/helpful/", display_views.review_helpful, name="review_helpful"),
]
