"""Tables of feedback (issue 17): NPS invitations after a delivery and their answers, the detractor loop that a
low score opens with the dealer's sales agent, verified-buyer product reviews with moderation, photos, the seller's
reply and helpful votes, dealers' success stories, and the survey's settings.

Breakdowns (tier, region, sales agent, product family) are read from snapshots taken when the invitation was sent,
so a dealer that moves city or tier later does not rewrite last year's figures.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.lifecycle import Lifecycle, StatusChange, status_fields

from .errors import FeedbackMoveNotAllowed

# --- Settings of the survey ------------------------------------------------------------------------------------------


class SurveySettings(models.Model):
    """One row (pk 1): when NPS invitations go out and to whom, and the optional reward for reviewing. Defaults come
    from NPS_DELAY_DAYS / NPS_WINDOW_DAYS / NPS_LINK_DAYS; staff change them in the admin."""

    delay_days = models.PositiveSmallIntegerField(_("days after a delivery"), default=7)
    window_days = models.PositiveSmallIntegerField(_("at most once per dealer in (days)"), default=90)
    link_days = models.PositiveSmallIntegerField(_("the link is valid for (days)"), default=14)
    # Dealer roles (dealers.Role values) asked besides the owner.
    extra_roles = models.JSONField(_("also ask these roles"), default=list, blank=True)
    active = models.BooleanField(_("send NPS invitations"), default=True)
    # The reward for a submitted review (never conditional on its rating or approval): a campaign of pricing for the
    # reviewer's dealer, `reward_percent` off for `reward_days` (0 %: no reward).
    reward_percent = models.DecimalField(_("review reward (percent off)"), max_digits=5, decimal_places=2, default=0)
    reward_days = models.PositiveSmallIntegerField(_("review reward valid for (days)"), default=30)

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")
        constraints = [
            models.CheckConstraint(condition=Q(reward_percent__gte=0) & Q(reward_percent__lte=20),
                                   name="survey_reward_percent_range"),
        ]

    def __str__(self):
        return str(_("Survey settings"))


# --- NPS -------------------------------------------------------------------------------------------------------------

class NpsKind(models.TextChoices):
    PROMOTER = "promoter", pgettext_lazy("nps", "Promoter")
    PASSIVE = "passive", pgettext_lazy("nps", "Passive")
    DETRACTOR = "detractor", pgettext_lazy("nps", "Detractor")


class NpsReason(models.TextChoices):
    """Optional reason tags of an answer."""

    PRODUCT_QUALITY = "product_quality", _("Product quality")
    PRICE = "price", pgettext_lazy("nps reason", "Price")
    DELIVERY = "delivery", pgettext_lazy("nps reason", "Delivery")
    STOCK = "stock", _("Stock availability")
    ORDERING = "ordering", _("Ordering in the portal")
    SALES_AGENT = "sales_agent", _("Our sales agent")
    SUPPORT = "support", pgettext_lazy("nps reason", "Support")
    PAYMENT_TERMS = "payment_terms", _("Payment terms")


class NpsInvitation(models.Model):
    """One invitation of one dealer user to answer the NPS question after a delivery: a signed, single-use link
    that expires (`expires_at`) and needs no login. The snapshot fields hold what the breakdowns group by."""

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.CASCADE,
                               related_name="nps_invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="nps_invitations")
    shipment = models.ForeignKey("shipping.Shipment", verbose_name=_("shipment"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    # Snapshots for the breakdowns.
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    sales_agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sales agent"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    product_family = models.ForeignKey("catalog.Category", verbose_name=_("product family"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("NPS invitation")
        verbose_name_plural = _("NPS invitations")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["dealer", "-sent_at"], name="nps_invitation_dealer_sent")]

    def __str__(self):
        return f"{self.dealer} {self.sent_at:%Y-%m-%d}"


class NpsResponse(models.Model):
    """The answer to one invitation (one at most: the OneToOne holds under a parallel double submit): 0–10, a
    comment, reason tags. `kind` is stored from feedback.services.nps.kind_of (the one binning rule)."""

    invitation = models.OneToOneField(NpsInvitation, verbose_name=_("invitation"), on_delete=models.CASCADE,
                                      related_name="response")
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.CASCADE,
                               related_name="nps_responses")
    score = models.PositiveSmallIntegerField(_("score"))
    kind = models.CharField(_("kind"), max_length=10, choices=NpsKind.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    responded_at = models.DateTimeField(_("answered at"), db_index=True)

    class Meta:
        verbose_name = _("NPS response")
        verbose_name_plural = _("NPS responses")
        ordering = ["-responded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=10), name="nps_score_0_to_10"),
        ]
        indexes = [models.Index(fields=["responded_at", "kind"], name="nps_response_when_kind")]

    def __str__(self):
        return f"{self.dealer}: {self.score}"


class LoopStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("detractor loop", "Open")
    CONTACTED = "contacted", pgettext_lazy("detractor loop", "Contacted")
    RESOLVED = "resolved", pgettext_lazy("detractor loop", "Resolved")


class DetractorLoop(models.Model):
    """Closing the loop on a detractor's answer: the support ticket it opened for the dealer's sales agent (else the
    support team), and where the follow-up stands."""

    response = models.OneToOneField(NpsResponse, verbose_name=_("answer"), on_delete=models.CASCADE,
                                    related_name="loop")
    ticket = models.ForeignKey("support.Ticket", verbose_name=_("ticket"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("followed up by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=LoopStatus.choices, default=LoopStatus.OPEN)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("detractor follow-up")
        verbose_name_plural = _("detractor follow-ups")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.response} {self.get_status_display()}"


class DetractorLoopStatusChange(StatusChange):
    loop = models.ForeignKey(DetractorLoop, verbose_name=_("detractor follow-up"), on_delete=models.CASCADE,
                             related_name="history")
    from_status, to_status = status_fields(LoopStatus, 10)

    class Meta(StatusChange.Meta):
        verbose_name = _("detractor follow-up status change")
        verbose_name_plural = _("detractor follow-up history")


LOOP = Lifecycle(
    "feedback.loop", statuses=LoopStatus, transitions={
        LoopStatus.OPEN: {LoopStatus.CONTACTED, LoopStatus.RESOLVED},
        LoopStatus.CONTACTED: {LoopStatus.RESOLVED, LoopStatus.OPEN},
        LoopStatus.RESOLVED: {LoopStatus.OPEN},
    }, history=DetractorLoopStatusChange, history_of="loop", error=FeedbackMoveNotAllowed,
    refusal=_("A follow-up cannot go from “%(current)s” to “%(target)s”."))


# --- Product reviews ---------------------------------------------------------------------------------------------------

class ReviewStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("review", "Waiting for moderation")
    PUBLISHED = "published", pgettext_lazy("review", "Published")
    REJECTED = "rejected", pgettext_lazy("review", "Rejected")


class Review(models.Model):
    """A verified buyer's review of a product (a user of a dealer with a delivered line of it): 1–5 stars, title,
    text, photos; one per product and user, editable (an edit goes back to moderation). Shown anonymised ("a dealer
    in İzmir, gold tier") unless the dealer opted in to its name. Deleting the user keeps the review anonymously
    (user NULL, snapshots stay), so the aggregates stay."""

    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="reviews")
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="reviews")
    stars = models.PositiveSmallIntegerField(_("stars"))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=5000)
    language = models.CharField(_("language"), max_length=10, default="en")
    show_company = models.BooleanField(_("show our company's name"), default=False)
    # Snapshots for the anonymised display ("a dealer in İzmir, gold tier").
    city = models.CharField(_("city"), max_length=100, blank=True)
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices,
                              default=ReviewStatus.PENDING)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moderated by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    reply = models.TextField(_("our reply"), max_length=3000, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    helpful_count = models.PositiveIntegerField(_("found it helpful"), default=0)
    # The reviewer received the review reward (disclosed next to the review).
    rewarded = models.BooleanField(_("the reviewer received a discount"), default=False)
    reward_campaign = models.ForeignKey("pricing.Campaign", verbose_name=_("reward"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("product review")
        verbose_name_plural = _("product reviews")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="review_stars_1_to_5"),
            models.UniqueConstraint(fields=["product", "user"], condition=Q(user__isnull=False),
                                    name="review_once_per_product_and_user"),
        ]
        indexes = [
            models.Index(fields=["product", "status", "-submitted_at"], name="review_product_status"),
            models.Index(fields=["status", "submitted_at"], name="review_moderation_queue"),
        ]

    def __str__(self):
        return f"{self.product_id} {self.stars}★ {self.title}"


class ReviewStatusChange(StatusChange):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="history")
    from_status, to_status = status_fields(ReviewStatus, 10)

    class Meta(StatusChange.Meta):
        verbose_name = _("review status change")
        verbose_name_plural = _("review history")


# An edit sends a published or rejected review back to moderation (pending → pending is the edit of a waiting one,
# which needs no move).
REVIEW = Lifecycle(
    "feedback.review", statuses=ReviewStatus, transitions={
        ReviewStatus.PENDING: {ReviewStatus.PUBLISHED, ReviewStatus.REJECTED},
        ReviewStatus.PUBLISHED: {ReviewStatus.PENDING, ReviewStatus.REJECTED},
        ReviewStatus.REJECTED: {ReviewStatus.PENDING, ReviewStatus.PUBLISHED},
    }, history=ReviewStatusChange, history_of="review", error=FeedbackMoveNotAllowed,
    refusal=_("A review cannot go from “%(current)s” to “%(target)s”."))


class ReviewPhoto(models.Model):
    """A photo of a review, checked by its content like every upload; served with the review's visibility."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="feedback/reviews/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")
        ordering = ["pk"]

    def __str__(self):
        return self.file.name


class ReviewVote(models.Model):
    """"Helpful": one per user and review, never on one's own."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    voted_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="review_vote_once")]

    def __str__(self):
        return f"{self.review_id} {self.user_id}"


# --- Success stories ---------------------------------------------------------------------------------------------------

class StoryStatus(models.TextChoices):
    INVITED = "invited", pgettext_lazy("story", "Invited")
    SUBMITTED = "submitted", pgettext_lazy("story", "Submitted")
    PUBLISHED = "published", pgettext_lazy("story", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("story", "Withdrawn")


class Story(models.Model):
    """A promoter's short success story: invited, written by the dealer in its language, edited by staff, and
    published on the public home page only with the dealer's written consent recorded (who, when, the text agreed
    to)."""

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.CASCADE,
                               related_name="stories")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    response = models.ForeignKey(NpsResponse, verbose_name=_("answer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="stories")
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(_("status"), max_length=10, choices=StoryStatus.choices, default=StoryStatus.INVITED)
    title = models.CharField(_("title"), max_length=150, blank=True)
    body = models.TextField(_("the dealer's text"), max_length=4000, blank=True)
    edited_title = models.CharField(_("published title"), max_length=150, blank=True)
    edited_body = models.TextField(_("published text"), max_length=4000, blank=True)
    consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consent given by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_text = models.TextField(_("text consented to"), blank=True)
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("success story")
        verbose_name_plural = _("success stories")
        ordering = ["-invited_at", "-pk"]
        indexes = [models.Index(fields=["status", "language", "-published_at"], name="story_published")]

    def __str__(self):
        return f"{self.dealer} {self.get_status_display()}"


class StoryStatusChange(StatusChange):
    story = models.ForeignKey(Story, verbose_name=_("success story"), on_delete=models.CASCADE,
                              related_name="history")
    from_status, to_status = status_fields(StoryStatus, 10)

    class Meta(StatusChange.Meta):
        verbose_name = _("success story status change")
        verbose_name_plural = _("success story history")


STORY = Lifecycle(
    "feedback.story", statuses=StoryStatus, transitions={
        StoryStatus.INVITED: {StoryStatus.SUBMITTED, StoryStatus.WITHDRAWN},
        StoryStatus.SUBMITTED: {StoryStatus.PUBLISHED, StoryStatus.WITHDRAWN},
        StoryStatus.PUBLISHED: {StoryStatus.WITHDRAWN},
        StoryStatus.WITHDRAWN: set(),
    }, history=StoryStatusChange, history_of="story", error=FeedbackMoveNotAllowed,
    refusal=_("A story cannot go from “%(current)s” to “%(target)s”."))
