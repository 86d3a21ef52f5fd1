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


# --- Success stories (F2) -------------------------------------------------------------------------------------------

def public_stories(*, language, limit=6) -> list:
    """Published stories in `language` whose dealer consented to their current text, newest first (the public home
    page; a story edited after the consent waits for the new one)."""
    from .models import Story, StoryStatus
    from .services.stories import consent_is_current

    rows = (Story.objects.filter(status=StoryStatus.PUBLISHED, language=language or "")
            .select_related("dealer").order_by("-published_at", "-pk")[:limit * 4])
    return [story for story in rows if consent_is_current(story)][:limit]


def get_own_story(*, actor, pk):
    """Story `pk` of the actor's dealer, for its owner (may_write_story), or Http404: another dealer's story, or a
    user of the dealer in another role, finds nothing."""
    from django.http import Http404

    from .models import Story
    from .permissions import may_write_story

    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    dealer = getattr(actor, "dealer", None)
    story = None
    if dealer is not None and 0 < pk < 2**63:
        story = Story.objects.filter(pk=pk, dealer_id=dealer.pk).select_related("dealer").first()
    if story is None or not may_write_story(actor, story):
        raise Http404
    return story


# --- Reviews on the catalog: cards and the product page (F4) ---------------------------------------------------------

STAR_VALUES = (5, 4, 3, 2, 1)
REVIEWS_PER_PAGE = 10


class Ratings:
    """A product's published reviews in figures: how many, the average (Decimal, one place; None without reviews)
    and how many of each star (`histogram`: {stars: count})."""

    __slots__ = ("count", "histogram")

    def __init__(self, histogram=None):
        self.histogram = {n: int((histogram or {}).get(n) or 0) for n in STAR_VALUES}
        self.count = sum(self.histogram.values())

    @property
    def average(self):
        from decimal import ROUND_HALF_UP, Decimal

        if not self.count:
            return None
        total = sum(n * c for n, c in self.histogram.items())
        return (Decimal(total) / Decimal(self.count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def rows(self) -> list[tuple[int, int, int]]:
        """(stars, count, whole percent of all reviews) from 5 stars down to 1."""
        return [(n, c, round(100 * c / self.count) if self.count else 0) for n, c in self.histogram.items()]


def review_ratings(*, product_ids) -> dict:
    """{product id: Ratings} of the products' PUBLISHED reviews in one query (a product without any is left out)."""
    from django.db.models import Count, Q

    from .models import Review, ReviewStatus

    ids = sorted({int(pk) for pk in product_ids if pk})
    if not ids:
        return {}
    rows = (Review.objects.filter(product_id__in=ids, status=ReviewStatus.PUBLISHED).order_by()
            .values("product_id").annotate(**{f"s{n}": Count("pk", filter=Q(stars=n)) for n in STAR_VALUES}))
    return {row["product_id"]: Ratings({n: row[f"s{n}"] for n in STAR_VALUES}) for row in rows}


def review_summary(*, product_ids) -> dict:
    """{product id: (average stars as a Decimal with one place, count)} over PUBLISHED reviews, in one query; a
    product without published reviews is left out (its card shows nothing)."""
    return {pk: (ratings.average, ratings.count) for pk, ratings in review_ratings(product_ids=product_ids).items()}


def star_histogram(*, product) -> list[tuple[int, int, int]]:
    """(stars, count, percent) of the product's published reviews, 5 stars first (one query)."""
    return review_ratings(product_ids=[product.pk]).get(product.pk, Ratings()).rows()


def catalog_product(*, pk):
    """An active product of an active category by its id (what the catalog shows), else None."""
    from catalog.models import Product

    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk < 2 ** 31:
        return None
    return Product.objects.active().filter(pk=pk, category__active=True).first()


def review_page(*, product, actor=None, sort="newest", stars=None, page=1, total=None, per_page=REVIEWS_PER_PAGE):
    """One page of the product's published reviews (published_reviews' sorting and star filter) in ONE query: each
    review with `photo_ids` (its photos' ids, for their links) and `voted` (whether the actor found it helpful).
    `total` (how many the filter matches, from the product's Ratings) saves the count; `page` is kept in range.
    Returns (reviews, page number, number of pages)."""
    from django.contrib.postgres.aggregates import ArrayAgg
    from django.db.models import Exists, OuterRef, Q, Value

    from .models import ReviewVote

    reviews = published_reviews(product=product, stars=stars, sort=sort).prefetch_related(None)
    if total is None:
        total = reviews.count()
    pages = max(1, -(-total // per_page))
    try:
        page = min(max(1, int(page)), pages)
    except (TypeError, ValueError, OverflowError):
        page = 1
    user = getattr(actor, "user", None)
    voted = (Exists(ReviewVote.objects.filter(review_id=OuterRef("pk"), user_id=user.pk))
             if getattr(user, "pk", None) else Value(False))
    reviews = reviews.annotate(
        photo_ids=ArrayAgg("photos__pk", filter=Q(photos__isnull=False), order_by="photos__pk"), voted=voted)
    start = (page - 1) * per_page
    found = list(reviews[start:start + per_page]) if total else []
    for review in found:
        review.photo_ids = [pk for pk in (review.photo_ids or []) if pk]
    return found, page, pages
