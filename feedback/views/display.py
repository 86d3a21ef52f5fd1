"""Reviews on the catalog (issue 17 §3, the display side): the average stars and count on product cards and under a
product's name (hook point catalog.card_extras), the "Reviews" section of the product page (catalog.product_panel)
with its histogram, sorting, star filter and pages, the "Helpful" button, and the "Write a review" box.

The product page pays two queries for its reviews: the figures of the product and its related cards together
(`ratings_for`, kept on the request and, under the catalog version, in the cache), and one page of reviews with their photo ids and the reader's votes. Whether
the reader may write a review (who it is, whether it wrote one, whether its dealer received the product) is asked by
the box itself after the page has loaded (htmx), so the page stays within its pinned query count.
"""
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.search import catalog_version, product_url
from catalog.views import catalog_page
from portal.cache import KeptValues
from portal.errors import DomainError
from support.models import Tier

from .. import selectors, services
from ..models import Review, ReviewStatus, ReviewVote
from ..permissions import may_vote

SORTS = ("newest", "helpful", "highest", "lowest")


def _sort_labels():
    return {"newest": _("Newest"), "helpful": _("Most helpful"), "highest": _("Highest rating"),
            "lowest": _("Lowest rating")}


# --- The figures of products, once per request --------------------------------------------------------------------

RATINGS_CACHE_SECONDS = 300
# The figures of a set of products under a catalog version, as plain tuples ((product id, (count of 5 stars, …, of
# 1 star)), …): kept in each process in front of the cache (portal.cache.KeptValues: a version's figures never
# change), so a list page's cards cost no cache round trip once the process has served that page. Bounded: about
# 170 bytes an entry for each product with reviews, nothing for the others (2 MB at the most).
_KEPT_RATINGS = KeptValues(max_entries=500)


def ratings_for(request, product_ids) -> dict:
    """{product id: Ratings} of the products that have published reviews. The figures of a product asked once in a
    request are kept on it (the product page asks for its cards and then for its own section)."""
    memo = getattr(request, "feedback_ratings", None)
    if memo is None:
        memo = {}
        request.feedback_ratings = memo
    missing = [pk for pk in product_ids if pk not in memo]
    if missing:
        # The same for every dealer: kept under the catalog version, which a review that starts or stops counting
        # bumps (feedback.signals); a catalog page's cards ask for the same products on every visit.
        key = "feedback:ratings:v2:{}:{}".format(catalog_version(request), hashlib.sha1(
            ",".join(map(str, sorted(missing))).encode()).hexdigest())
        stored = _KEPT_RATINGS.get(key)
        if stored is None:
            stored = tuple((pk, tuple(figures.histogram[n] for n in selectors.STAR_VALUES))
                           for pk, figures in selectors.review_ratings(product_ids=missing).items())
            _KEPT_RATINGS.set(key, stored, RATINGS_CACHE_SECONDS)
        found = {pk: selectors.Ratings(dict(zip(selectors.STAR_VALUES, counts, strict=True))) for pk, counts in stored}
        for pk in missing:
            memo[pk] = found.get(pk) or selectors.Ratings()
    return {pk: memo[pk] for pk in product_ids if memo[pk].count}


def star_parts(average) -> list[str]:
    """The five drawn stars of an average, to the nearest half: "full", "half" or "empty" each."""
    if average is None:
        return ["empty"] * 5
    halves = int((Decimal(average) * 2).to_integral_value(rounding=ROUND_HALF_UP))
    return ["full" if 2 * i + 2 <= halves else "half" if 2 * i + 1 == halves else "empty" for i in range(5)]


# A card's stars by everything they show: the language, the URL prefix, the product's SKU (its link), the average and
# the count. The same cards recur on every list page a process serves, and the template costs about 0.1 ms a card with
# reviews. Figures every dealer sees alike. Bounded: emptied at _CARD_HTML_MAX (about 700 bytes an entry: 1.4 MB).
_CARD_HTML = {}
_CARD_HTML_MAX = 2_000


def card_ratings(*, request, products) -> dict:
    """Hook catalog.card_extras: {product id: HTML} with the average stars and the count; nothing for a product
    without published reviews (no "0 stars")."""
    ratings = ratings_for(request, [product.pk for product in products])
    answer = {}
    if not ratings:
        return answer
    language, prefix = get_language(), get_script_prefix()
    for product in products:
        figures = ratings.get(product.pk)
        if figures is not None:
            average = figures.average
            key = (language, prefix, product.sku, average, figures.count)
            html = _CARD_HTML.get(key)
            if html is None:
                html = render_to_string("feedback/_card_rating.html", {
                    "ratings": figures, "stars": star_parts(average), "url": product_url(product.sku)})
                if len(_CARD_HTML) >= _CARD_HTML_MAX:
                    _CARD_HTML.clear()
                _CARD_HTML[key] = html
            answer[product.pk] = html
    return answer


# --- Who wrote a review, as the page shows it -------------------------------------------------------------------------

def _tier_phrase(code: str) -> str:
    phrases = {"standard": pgettext("reviewer", "standard tier"), "silver": pgettext("reviewer", "silver tier"),
               "gold": pgettext("reviewer", "gold tier"), "key_account": pgettext("reviewer", "key account")}
    if code in phrases:
        return phrases[code]
    return str(dict(Tier.choices).get(code, ""))


def reviewer_line(review) -> str:
    """The reviewer, anonymised: "A dealer in İzmir, gold tier" (the snapshots taken when it was written); never a
    person's name. The company's name is shown apart (`company_shown`), only when the dealer opted in."""
    city, tier = review.city.strip(), _tier_phrase(review.tier)
    if city and tier:
        return _("A dealer in %(city)s, %(tier)s") % {"city": city, "tier": tier}
    if city:
        return _("A dealer in %(city)s") % {"city": city}
    if tier:
        return _("A dealer, %(tier)s") % {"tier": tier}
    return _("A dealer")


def company_shown(review) -> str:
    """The company's name, only when the dealer opted in (and the author was not deleted since: then it is gone)."""
    return review.company_name if review.show_company and review.company_name else ""


# --- The product page's section ---------------------------------------------------------------------------------------

def _choice(request):
    sort = request.GET.get("rsort")
    sort = sort if sort in SORTS else "newest"
    stars = request.GET.get("rstars")
    stars = int(stars) if stars in ("1", "2", "3", "4", "5") else None
    return sort, stars


def _links(product, *, sort, stars, page=None) -> dict:
    query = {key: value for key, value in (("rsort", sort if sort != "newest" else None), ("rstars", stars),
                                           ("rpage", page if page and page > 1 else None)) if value}
    encoded = urlencode(query)
    return {"href": f"{product_url(product.sku)}{'?' + encoded if encoded else ''}#reviews",
            "push": f"{product_url(product.sku)}{'?' + encoded if encoded else ''}",
            "fragment": reverse("feedback:product_reviews", args=[product.pk]) + (f"?{encoded}" if encoded else "")}


def reviews_context(request, product) -> dict:
    actor = request.actor
    sort, stars = _choice(request)
    figures = ratings_for(request, [product.pk]).get(product.pk) or selectors.Ratings()
    total = figures.histogram[stars] if stars else figures.count
    reviews, page, pages = selectors.review_page(product=product, actor=actor, sort=sort, stars=stars,
                                                 page=request.GET.get("rpage"), total=total)
    user_pk = request.user.pk
    for review in reviews:
        review.author_line = reviewer_line(review)
        review.company = company_shown(review)
        review.own = review.user_id is not None and review.user_id == user_pk
        review.can_vote = may_vote(actor, review)
        review.stars_drawn = star_parts(review.stars)
    labels = _sort_labels()
    histogram = [{"stars": n, "count": count, "percent": percent, "current": stars == n,
                  **_links(product, sort=sort, stars=n)} for n, count, percent in figures.rows()]
    return {
        "product": product,
        "figures": figures,
        "stars_drawn": star_parts(figures.average),
        "histogram": histogram,
        "reviews": reviews,
        "sort": sort,
        "stars": stars,
        "sorts": [{"key": key, "label": labels[key], "current": key == sort, **_links(product, sort=key, stars=stars)}
                  for key in SORTS],
        "all_stars": _links(product, sort=sort, stars=None),
        "page": page,
        "pages": pages,
        "prev": _links(product, sort=sort, stars=stars, page=page - 1) if page > 1 else None,
        "next": _links(product, sort=sort, stars=stars, page=page + 1) if page < pages else None,
        "is_staff": bool(request.user.is_staff),
        "seller": settings.COMPANY["name"],
    }


def product_panel(*, request, product) -> str:
    """Hook catalog.product_panel: the "Reviews" section of the product page."""
    return render_to_string("feedback/_product_reviews.html", reviews_context(request, product), request=request)


def _product_or_404(product_id):
    product = selectors.catalog_product(pk=product_id)
    if product is None:
        raise Http404
    return product


@require_GET
@catalog_page
def product_reviews(request, product_id):
    """The section again (htmx: another sort, star filter or page), under the product page's access rules."""
    return HttpResponse(product_panel(request=request, product=_product_or_404(product_id)))


@require_GET
@catalog_page
def review_action(request, product_id):
    """The "Write a review" box (htmx, after the page loaded): the button, "Edit your review" with where it stands,
    or why the reader cannot review this product."""
    product = _product_or_404(product_id)
    own = services.own_review(request.actor, product)
    reason = None if own is not None else services.why_not_review(request.actor, product)
    return render(request, "feedback/_review_action.html", {"product": product, "own": own, "reason": reason})


# --- "Helpful" -------------------------------------------------------------------------------------------------------

@require_POST
@catalog_page
def review_helpful(request, pk):
    """Toggle the reader's "Helpful" vote on a published review (not one's own; signed-in dealer users only)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    review = (Review.objects.filter(pk=pk, status=ReviewStatus.PUBLISHED).select_related("product").first()
              if 0 < pk < 2 ** 31 else None)
    if review is None or selectors.catalog_product(pk=review.product_id) is None:
        raise Http404
    actor = request.actor
    error = None
    try:
        if ReviewVote.objects.filter(review_id=review.pk, user_id=request.user.pk).exists():
            services.unvote(actor=actor, review=review)
        else:
            services.vote_helpful(actor=actor, review=review)
    except DomainError as exc:
        error = str(exc.message)
    if request.headers.get("HX-Request") != "true":
        if error:
            messages.error(request, error)
        return redirect(f"{product_url(review.product.sku)}#review-{review.pk}")
    review.refresh_from_db(fields=["helpful_count"])
    review.voted = ReviewVote.objects.filter(review_id=review.pk, user_id=request.user.pk).exists()
    review.can_vote = may_vote(actor, review)
    # 200 with the refusal in the button's place: htmx swaps it in (it leaves a 4xx answer unshown).
    return render(request, "feedback/_helpful.html", {"review": review, "error": error})
