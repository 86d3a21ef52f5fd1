"""Product reviews (issue 17, section 3, and the reward of section 4): only a verified buyer writes one (a user of a
dealer with a DELIVERED outbound shipment line of the product; a later return does not undo it), one per product and
user, editable (an edit goes back to moderation); staff approve or reject with a reason (the author is told by mail
in their language), reply under it; other dealers' users vote "helpful" once. Submitting (never approval, never the
stars) grants the configured reward: a pricing campaign for the reviewer's dealer, disclosed next to the review.
Statuses move only through REVIEW (feedback.models)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import outbox, uploads

from ..errors import (
    AlreadyReviewed,
    BadReviewPhoto,
    ModerationNotAllowed,
    ReviewInvalid,
    ReviewNotAllowed,
    VoteNotAllowed,
)
from ..models import REVIEW, Review, ReviewPhoto, ReviewStatus, ReviewVote, SurveySettings
from ..permissions import is_reviewer_role, may_edit_review, may_moderate, may_vote

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
STARS = (1, 2, 3, 4, 5)
TITLE_MAX = 120
BODY_MAX = 5000
REASON_MAX = 500
REPLY_MAX = 3000


# --- Who may review ---------------------------------------------------------------------------------------------------

def verified_purchase(dealer, product) -> bool:
    """Whether `dealer` received `product`: a line of it in an outbound shipment to the dealer that was delivered. A
    later return does not undo it (the dealer used the goods); an ordered or shipped but undelivered line does not
    count."""
    if dealer is None or product is None:
        return False
    from shipping.models import ShipmentKind, ShipmentLine, ShipmentStatus

    return ShipmentLine.objects.filter(
        shipment__dealer_id=dealer.pk, shipment__kind=ShipmentKind.OUTBOUND,
        shipment__status=ShipmentStatus.DELIVERED, order_line__product_id=product.pk).exists()


def own_review(actor, product) -> Review | None:
    """The actor's review of `product` (any status), if it wrote one."""
    user = getattr(actor, "user", None)
    if user is None or not getattr(user, "pk", None):
        return None
    return Review.objects.filter(product_id=product.pk, user_id=user.pk).first()


def why_not_review(actor, product) -> str | None:
    """Why the actor cannot write a review of `product` now (a sentence for the page), or None when it may."""
    user = getattr(actor, "user", actor)
    if getattr(user, "is_staff", False) or getattr(actor, "on_behalf", False):
        return _("Reviews are written by the dealers' own users, not by staff.")
    if not is_reviewer_role(actor):
        return _("Your role in your company does not write product reviews.")
    if own_review(actor, product) is not None:
        return _("You have already reviewed this product; you can edit your review.")
    if not verified_purchase(actor.dealer, product):
        return _("Only buyers who have received this product can review it.")
    return None


def may_review(actor, product) -> bool:
    """Whether the actor may write a (first) review of `product`: see why_not_review."""
    return why_not_review(actor, product) is None


# --- Input checks -----------------------------------------------------------------------------------------------------

def check_photos(photos) -> list:
    """At most five images (JPEG, PNG or WebP told by their content, never their name), at most 5 MB each; each is
    renamed to the detected type's extension. Raises BadReviewPhoto."""
    photos = [photo for photo in (photos or []) if photo]
    if len(photos) > MAX_PHOTOS:
        raise BadReviewPhoto(_("At most %(n)s photos.") % {"n": MAX_PHOTOS}, field="photos")
    checked = []
    for photo in photos:
        if photo.size > MAX_PHOTO_BYTES:
            raise BadReviewPhoto(_("“%(name)s” is larger than 5 MB.") % {"name": photo.name}, field="photos")
        detected = uploads.accept(photo, allowed=PHOTO_TYPES)
        if detected is None:
            raise BadReviewPhoto(_("“%(name)s” is not a photo: send JPEG, PNG or WebP images.")
                                 % {"name": photo.name}, field="photos")
        checked.append((photo, detected.mime))
    return checked


def _clean_text(value, *, field, limit, empty) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if not text:
        raise ReviewInvalid(empty, field=field)
    if len(text) > limit:
        raise ReviewInvalid(_("At most %(n)s characters.") % {"n": limit}, field=field)
    return text


def _clean(stars, title, body) -> tuple[int, str, str]:
    try:
        stars = int(str(stars).strip())
    except (TypeError, ValueError, OverflowError):
        stars = 0
    if stars not in STARS:
        raise ReviewInvalid(_("Choose from 1 to 5 stars."), field="stars")
    title = _clean_text(title, field="title", limit=TITLE_MAX, empty=_("Give your review a title."))
    body = _clean_text(body, field="body", limit=BODY_MAX, empty=_("Write your review."))
    return stars, title, body


def _save_photos(review, checked) -> None:
    for photo, mime in checked:
        ReviewPhoto.objects.create(review=review, file=photo, content_type=mime, size=photo.size)


# --- The reward -------------------------------------------------------------------------------------------------------

def survey_settings():
    """The survey's settings row (feedback.services.survey.settings() when it exists; else pk 1, defaults)."""
    try:
        from .survey import settings as read_settings
    except ImportError:
        read_settings = None
    if read_settings is not None:
        return read_settings()
    return SurveySettings.objects.filter(pk=1).first() or SurveySettings(pk=1)


def _grant_reward(review) -> None:
    """The review reward of the survey's settings (none at 0 %): a percent campaign for the reviewer's dealer on
    every product (all root categories, so their subcategories too), from now for `reward_days`. Granted on
    submission, whatever the stars and whatever moderation decides later; at most once per user and product (an
    earlier review of the same product by the same user, deleted since, keeps its reward)."""
    config = survey_settings()
    percent = Decimal(config.reward_percent or 0)
    if percent <= 0 or review.dealer_id is None:
        return
    from catalog.models import Category
    from pricing.models import Campaign

    now = timezone.now()
    with translation.override(django_settings.LANGUAGE_CODE):
        name = _("Review reward: %(percent)s %% for %(dealer)s (review %(pk)s)") % {
            "percent": percent.normalize(), "dealer": review.dealer, "pk": review.pk}
    campaign = Campaign.objects.create(
        name=name[:150], kind=Campaign.Kind.PERCENT, value=percent, starts_at=now,
        ends_at=now + timedelta(days=max(int(config.reward_days or 0), 1)))
    campaign.dealers.set([review.dealer_id])
    campaign.categories.set(Category.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    review.rewarded, review.reward_campaign = True, campaign
    review.save(update_fields=["rewarded", "reward_campaign", "updated_at"])


def end_reward_after_order(*, order, actor=None, previous_total=None) -> int:
    """Listener of `orders.commitment`: a newly placed order of a dealer (previous total 0) uses up the dealer's
    running review rewards, which end now ("on the next order"). Runs inside the order's transaction, after its
    prices were taken, so this order still gets the discount. Returns how many rewards ended.

    An order placed at engine prices says which campaigns were running for its dealer when it was priced
    (`order.campaigns_open_to_dealer`, orders' place_order): none, so no reward either, and nothing is read."""
    if previous_total is None or Decimal(previous_total) != 0 or not order.dealer_id:
        return 0
    open_campaigns = getattr(order, "campaigns_open_to_dealer", None)
    if open_campaigns is not None and not open_campaigns:
        return 0
    from pricing.models import Campaign

    now = timezone.now()
    ids = list(Review.objects.filter(dealer_id=order.dealer_id, reward_campaign__isnull=False)
               .values_list("reward_campaign_id", flat=True))
    ended = 0
    for campaign in Campaign.objects.filter(pk__in=ids).running_on(now):
        campaign.active = False
        campaign.save(update_fields=["active"])
        ended += 1
    return ended


# --- Writes of the author ---------------------------------------------------------------------------------------------

def submit_review(*, actor, product, stars, title, body, photos=(), show_company=False) -> Review:
    """A verified buyer's review of `product`, waiting for moderation. Refusals: not allowed
    (`feedback.review_not_allowed`, 403), a second review of the product by the same user, also from a parallel
    double submit (`feedback.already_reviewed`, 409: edit the first), bad stars/title/text
    (`feedback.review_invalid`), photos (`feedback.bad_review_photo`). Grants the review reward when configured."""
    refusal = why_not_review(actor, product)
    if refusal is not None:
        if own_review(actor, product) is not None and is_reviewer_role(actor):
            raise AlreadyReviewed(refusal)
        raise ReviewNotAllowed(refusal)
    stars, title, body = _clean(stars, title, body)
    checked = check_photos(photos)
    dealer = actor.dealer
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product=product, user=actor.user, dealer=dealer, stars=stars, title=title, body=body,
                language=(translation.get_language() or getattr(actor.user, "language", "") or "en")[:10],
                show_company=bool(show_company), city=(dealer.city or "")[:100], tier=dealer.tier or "",
                company_name=str(dealer)[:200], status=ReviewStatus.PENDING, submitted_at=timezone.now())
            _save_photos(review, checked)
            _grant_reward(review)
    except IntegrityError:  # the same user's parallel submit won (one review per product and user)
        raise AlreadyReviewed(_("You have already reviewed this product; you can edit your review.")) from None
    return review


_UNSET = object()


def edit_review(*, actor, review, stars=_UNSET, title=_UNSET, body=_UNSET, photos=(), show_company=_UNSET,
                remove_photos=()) -> Review:
    """The author edits its review (only the fields given); a published or rejected review goes back to
    moderation (its photos too: new ones are added, `remove_photos` ids removed). Never a second reward."""
    if not may_edit_review(actor, review):
        raise ReviewNotAllowed(_("Only the author of a review can edit it."))
    with transaction.atomic():
        review = Review.objects.select_for_update(of=("self",)).get(pk=review.pk)
        new_stars, new_title, new_body = _clean(
            review.stars if stars is _UNSET else stars, review.title if title is _UNSET else title,
            review.body if body is _UNSET else body)
        checked = check_photos(photos)
        removing = set()
        for value in remove_photos or ():
            try:
                removing.add(int(value))
            except (TypeError, ValueError, OverflowError):
                continue
        kept = review.photos.exclude(pk__in=removing).count()
        if kept + len(checked) > MAX_PHOTOS:
            raise BadReviewPhoto(_("At most %(n)s photos.") % {"n": MAX_PHOTOS}, field="photos")
        review.stars, review.title, review.body = new_stars, new_title, new_body
        if show_company is not _UNSET:
            review.show_company = bool(show_company)
        review.photos.filter(pk__in=removing).delete()
        _save_photos(review, checked)
        fields = ["stars", "title", "body", "show_company", "updated_at"]
        if review.status != ReviewStatus.PENDING:
            review.rejection_reason, review.published_at = "", None
            REVIEW.move(review, to=ReviewStatus.PENDING, actor=actor, note=_("Edited by the author."),
                        fields=fields + ["rejection_reason", "published_at"])
        else:
            review.save(update_fields=fields)
    return review


# --- Moderation -------------------------------------------------------------------------------------------------------

def _require_moderator(actor):
    if not may_moderate(actor):
        raise ModerationNotAllowed(_("Only staff who moderate reviews can do this."))
    return getattr(actor, "user", actor)


def _tell_author(review, template, **context) -> None:
    author = review.user
    if author is None or not author.is_active or not author.email:
        return
    outbox.notify(to=author, template=template, context={
        "first_name": author.first_name, "product": str(review.product), "title": review.title,
        "reviews_url": django_settings.SITE_URL + reverse("feedback:my_reviews"), **context})


def approve(*, actor, review) -> Review:
    """Publish a waiting (or rejected) review; its author is told by mail in their language."""
    user = _require_moderator(actor)
    with transaction.atomic():
        review = Review.objects.select_for_update(of=("self",)).select_related("product", "user").get(pk=review.pk)
        now = timezone.now()
        review.moderated_by, review.moderated_at, review.published_at, review.rejection_reason = user, now, now, ""
        REVIEW.move(review, to=ReviewStatus.PUBLISHED, actor=actor,
                    fields=["moderated_by", "moderated_at", "published_at", "rejection_reason", "updated_at"])
        _tell_author(review, "feedback/review_approved")
    return review


def reject(*, actor, review, reason) -> Review:
    """Reject a waiting (or published) review with a reason the author reads (mail in their language, and on its
    reviews page). The reward stays: it was granted for submitting."""
    user = _require_moderator(actor)
    reason = _clean_text(reason, field="reason", limit=REASON_MAX, empty=_("Give the reason for the rejection."))
    with transaction.atomic():
        review = Review.objects.select_for_update(of=("self",)).select_related("product", "user").get(pk=review.pk)
        review.moderated_by, review.moderated_at = user, timezone.now()
        review.rejection_reason, review.published_at = reason, None
        REVIEW.move(review, to=ReviewStatus.REJECTED, actor=actor, note=reason,
                    fields=["moderated_by", "moderated_at", "rejection_reason", "published_at", "updated_at"])
        _tell_author(review, "feedback/review_rejected", reason=reason)
    return review


def reply(*, actor, review, body) -> Review:
    """The seller's reply shown under the review (replaces an earlier reply)."""
    user = _require_moderator(actor)
    body = _clean_text(body, field="body", limit=REPLY_MAX, empty=_("Write the reply."))
    with transaction.atomic():
        review = Review.objects.select_for_update(of=("self",)).get(pk=review.pk)
        review.reply, review.replied_by, review.replied_at = body, user, timezone.now()
        review.save(update_fields=["reply", "replied_by", "replied_at", "updated_at"])
    return review


# --- Helpful votes ----------------------------------------------------------------------------------------------------

def vote_helpful(*, actor, review) -> bool:
    """One "helpful" vote of the actor on someone else's published review; counted atomically. Returns whether a
    vote was added (False: the actor had voted already, also from a parallel double click)."""
    if not may_vote(actor, review):
        raise VoteNotAllowed(_("You can mark other dealers' published reviews as helpful, not your own."))
    try:
        with transaction.atomic():
            ReviewVote.objects.create(review_id=review.pk, user=actor.user)
            Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    except IntegrityError:
        return False
    review.refresh_from_db(fields=["helpful_count"])
    return True


def unvote(*, actor, review) -> bool:
    """Take back the actor's helpful vote; returns whether there was one."""
    user = getattr(actor, "user", None)
    if user is None:
        return False
    with transaction.atomic():
        deleted, _rows = ReviewVote.objects.filter(review_id=review.pk, user_id=user.pk).delete()
        if deleted:
            Review.objects.filter(pk=review.pk, helpful_count__gt=0).update(helpful_count=F("helpful_count") - 1)
    review.refresh_from_db(fields=["helpful_count"])
    return bool(deleted)


# --- Deleting a user --------------------------------------------------------------------------------------------------

def anonymise_reviews_of(user) -> int:
    """Before a user is deleted: its reviews stay (the FK is SET_NULL, the aggregates keep them) but lose the
    company's name. Returns how many reviews were changed."""
    return Review.objects.filter(user_id=user.pk).update(show_company=False, company_name="")


def anonymise_on_user_delete(sender, instance, **kwargs) -> None:
    """pre_delete receiver of the user model (connected in FeedbackConfig.ready())."""
    if instance.pk:
        anonymise_reviews_of(instance)


# --- How a published review names its author --------------------------------------------------------------------------

def tier_label(tier: str) -> str:
    """The dealer tier's name in the active language ("gold" → "Gold")."""
    from dealers.models import Dealer

    return str(dict(Dealer._meta.get_field("tier").choices).get(tier, tier or ""))


def author_label(review) -> str:
    """Who wrote a published review, as readers see it: the company's name only when the dealer opted in (and the
    user was not deleted since), else anonymised ("A dealer in İzmir, gold tier")."""
    if review.show_company and review.company_name:
        return review.company_name
    tier = tier_label(review.tier).lower()
    if review.city and tier:
        return _("A dealer in %(city)s, %(tier)s tier") % {"city": review.city, "tier": tier}
    if review.city:
        return _("A dealer in %(city)s") % {"city": review.city}
    return _("A dealer")
