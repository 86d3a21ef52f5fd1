"""Reads of feedback shared by pages and API."""


# --- Product reviews (F3) --------------------------------------------------------------------------------------------

def my_reviews(*, actor):
    """The signed-in user's own reviews, newest first (another user's never)."""
    from .models import Review

    user = getattr(actor, "user", None)
    if user is None or not getattr(user, "pk", None):
        return Review.objects.none()
    return Review.objects.filter(user_id=user.pk).select_related("product").prefetch_related("photos")


def get_own_review(*, actor, pk):
    """The actor's own review `pk`, or Http404 (another user's or dealer's review does not exist for it)."""
    from django.http import Http404

    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    review = my_reviews(actor=actor).filter(pk=pk).first()
    if review is None:
        raise Http404
    return review


def moderation_queue():
    """Reviews waiting for moderation, oldest first, with their product, photos and author."""
    from .models import Review, ReviewStatus

    return (Review.objects.filter(status=ReviewStatus.PENDING).order_by("submitted_at", "pk")
            .select_related("product", "user", "dealer").prefetch_related("photos"))


REVIEW_SORTS = {"newest": ("-published_at", "-pk"), "helpful": ("-helpful_count", "-published_at", "-pk"),
                "highest": ("-stars", "-published_at", "-pk"), "lowest": ("stars", "-published_at", "-pk")}


def published_reviews(*, product, stars=None, sort="newest"):
    """A product's published reviews, filtered by stars (1–5; anything else: all) and sorted (newest, helpful,
    highest, lowest; anything else: newest)."""
    from .models import Review, ReviewStatus

    reviews = Review.objects.filter(product_id=product.pk, status=ReviewStatus.PUBLISHED).prefetch_related("photos")
    try:
        stars = int(stars) if stars not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        stars = None
    if stars in (1, 2, 3, 4, 5):
        reviews = reviews.filter(stars=stars)
    return reviews.order_by(*REVIEW_SORTS.get(sort, REVIEW_SORTS["newest"]))
