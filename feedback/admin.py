"""Django admin of feedback."""


# --- NPS (F1): the survey's settings (one row), invitations and answers (read-only) ------------------------------------

from django import forms  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.shortcuts import redirect  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from dealers.models import Role  # noqa: E402
from portal.admin import ReadOnlyAdmin  # noqa: E402

from .models import NpsInvitation, NpsResponse, SurveySettings  # noqa: E402
from .services import survey  # noqa: E402


class SurveySettingsForm(forms.ModelForm):
    extra_roles = forms.MultipleChoiceField(
        label=_("also ask these roles"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(value, label) for value, label in Role.choices if value != Role.OWNER],
        help_text=_("The owner is always asked; these roles of the dealer's users are asked too."))

    class Meta:
        model = SurveySettings
        fields = ("active", "delay_days", "window_days", "link_days", "extra_roles", "reward_percent", "reward_days")

    def clean_extra_roles(self):
        return sorted(self.cleaned_data.get("extra_roles") or [])

    def clean(self):
        cleaned = super().clean()
        for name in ("delay_days", "window_days", "link_days"):
            value = cleaned.get(name)
            if value is not None and not 1 <= value <= 3650:
                self.add_error(name, _("Enter a number of days from 1 to 3650."))
        percent = cleaned.get("reward_percent")
        if percent is not None and not 0 <= percent <= 20:
            self.add_error("reward_percent", _("Enter a percentage from 0 to 20."))
        return cleaned


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    """One row (pk 1, made from the NPS_* settings when missing): the list opens it; no add, no delete."""

    form = SurveySettingsForm

    def changelist_view(self, request, extra_context=None):
        row = survey.settings()
        return redirect(reverse("admin:feedback_surveysettings_change", args=[row.pk]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnsweredFilter(admin.SimpleListFilter):
    title = _("answered")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(response__isnull=self.value() == "no")
        return queryset


@admin.register(NpsInvitation)
class NpsInvitationAdmin(ReadOnlyAdmin):
    list_display = ("dealer", "user", "sent_at", "expires_at", "opened_at", "tier", "city", "sales_agent",
                    "product_family")
    list_filter = (AnsweredFilter, "tier", "language")
    date_hierarchy = "sent_at"
    search_fields = ("dealer__legal_name", "dealer__trade_name", "dealer__code", "user__email", "city")
    list_select_related = ("dealer", "user", "sales_agent", "product_family")


@admin.register(NpsResponse)
class NpsResponseAdmin(ReadOnlyAdmin):
    list_display = ("dealer", "score", "kind", "responded_at", "tier", "city")
    list_filter = ("kind", "invitation__tier", "score")
    date_hierarchy = "responded_at"
    search_fields = ("dealer__legal_name", "dealer__trade_name", "dealer__code", "comment")
    list_select_related = ("dealer", "invitation")

    @admin.display(description=_("tier"), ordering="invitation__tier")
    def tier(self, obj):
        return obj.invitation.tier

    @admin.display(description=_("city"), ordering="invitation__city")
    def city(self, obj):
        return obj.invitation.city


# --- Closing the loop and stories (F2) ------------------------------------------------------------------------------

from django.contrib import messages  # noqa: E402
from django.urls import NoReverseMatch  # noqa: E402
from django.utils.html import format_html  # noqa: E402
from django.utils.translation import gettext, ngettext  # noqa: E402

from portal.errors import DomainError  # noqa: E402

from .models import DetractorLoop, LoopStatus, Story  # noqa: E402
from .services import loop as loop_service  # noqa: E402
from .services import stories as story_service  # noqa: E402


def _moved_loops(modeladmin, request, queryset, to):
    done = 0
    for loop in queryset.order_by("pk"):
        try:
            loop_service.move_loop(actor=request.user, loop=loop, to=to)
        except DomainError as exc:
            modeladmin.message_user(request, f"{loop}: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, ngettext("%(n)s follow-up moved to “%(status)s”.",
                                                  "%(n)s follow-ups moved to “%(status)s”.", done)
                                % {"n": done, "status": LoopStatus(to).label}, messages.SUCCESS)


@admin.register(DetractorLoop)
class DetractorLoopAdmin(admin.ModelAdmin):
    """Detractor follow-ups: who follows up, the ticket, the status (moved by the actions, through LOOP)."""

    list_display = ("created_at", "dealer", "score", "owner", "status", "ticket_link", "contacted_at", "resolved_at")
    list_filter = ("status",)
    list_select_related = ("response__dealer", "owner", "ticket")
    search_fields = ("response__dealer__legal_name", "response__dealer__trade_name", "ticket__number")
    date_hierarchy = "created_at"
    fields = ("response", "score", "comment", "ticket_link", "owner", "status", "contacted_at", "resolved_at", "note",
              "created_at")
    readonly_fields = ("response", "score", "comment", "ticket_link", "owner", "status", "contacted_at",
                       "resolved_at", "created_at")
    actions = ["mark_contacted", "mark_resolved", "mark_open"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("dealer"))
    def dealer(self, loop):
        return loop.response.dealer

    @admin.display(description=_("score"))
    def score(self, loop):
        return loop.response.score

    @admin.display(description=_("comment"))
    def comment(self, loop):
        return loop.response.comment

    @admin.display(description=_("ticket"))
    def ticket_link(self, loop):
        if loop.ticket_id is None:
            return "—"
        try:
            url = reverse("support:desk_ticket", args=[loop.ticket.number])
        except NoReverseMatch:
            url = reverse("admin:support_ticket_change", args=[loop.ticket_id])
        return format_html('<a href="{}">{}</a> ({})', url, loop.ticket.number, loop.ticket.get_status_display())

    @admin.action(description=_("Mark as contacted"), permissions=["change"])
    def mark_contacted(self, request, queryset):
        _moved_loops(self, request, queryset, LoopStatus.CONTACTED)

    @admin.action(description=_("Mark as resolved"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        _moved_loops(self, request, queryset, LoopStatus.RESOLVED)

    @admin.action(description=_("Open again"), permissions=["change"])
    def mark_open(self, request, queryset):
        _moved_loops(self, request, queryset, LoopStatus.OPEN)


class StoryAdminForm(forms.ModelForm):
    """Staff edit only the published title and text; the service checks them and voids a consent they change."""

    class Meta:
        model = Story
        fields = ("edited_title", "edited_body")
        widgets = {"edited_body": forms.Textarea(attrs={"rows": 12})}

    def clean(self):
        data = super().clean()
        try:
            story_service.check_text(data.get("edited_title"), data.get("edited_body"))
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from None
        return data


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    """Success stories: the dealer's text, the published text staff edit, the recorded consent; publish and withdraw
    through the services (publish only with a consent to the current text)."""

    form = StoryAdminForm
    list_display = ("invited_at", "dealer", "language", "status", "edited_title", "consent_current", "published_at")
    list_filter = ("status", "language")
    list_select_related = ("dealer",)
    search_fields = ("dealer__legal_name", "dealer__trade_name", "title", "edited_title")
    fields = ("dealer", "status", "language", "user", "title", "body", "edited_title", "edited_body",
              "consent_current", "consent_by", "consent_at", "consent_text", "published_at", "published_by")
    readonly_fields = ("dealer", "status", "language", "user", "title", "body", "consent_current", "consent_by",
                       "consent_at", "consent_text", "published_at", "published_by")
    actions = ["publish", "withdraw"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("consent to the current text"), boolean=True)
    def consent_current(self, story):
        return story_service.consent_is_current(story)

    def save_model(self, request, obj, form, change):
        if not form.has_changed():
            return
        try:
            story_service.edit_story(actor=request.user, story=obj, title=form.cleaned_data["edited_title"],
                                     body=form.cleaned_data["edited_body"])
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)
        else:
            if not story_service.consent_is_current(Story.objects.get(pk=obj.pk)):
                self.message_user(request, gettext("The dealer is asked to agree to the new text before it is "
                                                   "published."), messages.WARNING)

    def _each(self, request, queryset, fn, done_message):
        """`done_message(n)`: the success line for n stories."""
        done = 0
        for story in queryset.order_by("pk"):
            try:
                fn(actor=request.user, story=story)
            except DomainError as exc:
                self.message_user(request, f"{story}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done) % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Publish on the home page"), permissions=["change"])
    def publish(self, request, queryset):
        self._each(request, queryset, story_service.publish_story, lambda n: ngettext(
            "%(n)s story published.", "%(n)s stories published.", n))

    @admin.action(description=_("Withdraw"), permissions=["change"])
    def withdraw(self, request, queryset):
        self._each(request, queryset, story_service.withdraw_story, lambda n: ngettext(
            "%(n)s story withdrawn.", "%(n)s stories withdrawn.", n))


# --- Product reviews: the moderation queue (F6) ------------------------------------------------------------------------

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME  # noqa: E402
from django.template.response import TemplateResponse  # noqa: E402

from .models import Review  # noqa: E402
from .services import reviews as review_service  # noqa: E402


class ReviewAdminForm(forms.ModelForm):
    """Staff write only the seller's reply here (saved through feedback.services.reviews.reply); everything else
    belongs to the author or to moderation (the actions)."""

    class Meta:
        model = Review
        fields = ("reply",)
        widgets = {"reply": forms.Textarea(attrs={"rows": 6})}

    def clean_reply(self):
        value = (self.cleaned_data.get("reply") or "").replace("\x00", "").strip()
        if not value and self.initial.get("reply"):
            raise forms.ValidationError(_("A reply cannot be taken back by emptying it; write the new reply."))
        return value


class RejectReviewsForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"), max_length=review_service.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The author reads it in the mail and on their reviews page."))


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """The moderation queue: approve and reject (with a reason the author reads) through the services, and the
    seller's reply; everything else is read-only (the author's text, what moderation and the reward wrote)."""

    form = ReviewAdminForm
    list_display = ("product", "stars", "title", "status", "city", "tier", "rewarded", "helpful_votes",
                    "submitted_at")
    list_filter = ("status", "stars", "rewarded")
    search_fields = ("title", "product__sku", "product__name")
    list_select_related = ("product",)
    date_hierarchy = "submitted_at"
    ordering = ("-submitted_at", "-pk")
    fields = ("product", "status", "stars", "title", "body", "photos_list", "author", "city", "tier",
              "show_company", "language", "submitted_at", "updated_at", "rejection_reason", "moderated_by",
              "moderated_at", "published_at", "rewarded", "reward_campaign", "helpful_votes", "reply", "replied_by",
              "replied_at")
    readonly_fields = ("product", "status", "stars", "title", "body", "photos_list", "author", "city", "tier",
                       "show_company", "language", "submitted_at", "updated_at", "rejection_reason", "moderated_by",
                       "moderated_at", "published_at", "rewarded", "reward_campaign", "helpful_votes", "replied_by",
                       "replied_at")
    actions = ["approve_reviews", "reject_reviews"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("helpful votes"), ordering="helpful_count")
    def helpful_votes(self, review):
        return review.helpful_count

    @admin.display(description=_("written by"))
    def author(self, review):
        """The company and the user staff see (readers see the anonymised label)."""
        who = review.user.email if review.user_id else gettext("deleted user")
        return f"{review.company_name or '—'} · {who}"

    @admin.display(description=_("photos"))
    def photos_list(self, review):
        photos = list(review.photos.all())
        if not photos:
            return "—"
        links = []
        for photo in photos:
            try:
                url = reverse("feedback:review_photo", args=[photo.pk])
            except NoReverseMatch:
                url = ""
            links.append(format_html('<a href="{}">{}</a>', url, photo.file.name.rsplit("/", 1)[-1]) if url
                         else photo.file.name)
        return format_html(" · ".join(["{}"] * len(links)), *links)

    def save_model(self, request, obj, form, change):
        if "reply" not in form.changed_data:
            return
        try:
            review_service.reply(actor=request.user, review=obj, body=form.cleaned_data["reply"])
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)

    def _done(self, request, done, text):
        if done:
            self.message_user(request, text % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Approve and publish"), permissions=["change"])
    def approve_reviews(self, request, queryset):
        done = 0
        for review in queryset.order_by("pk"):
            try:
                review_service.approve(actor=request.user, review=review)
            except DomainError as exc:
                self.message_user(request, f"{review.title}: {exc.message}", messages.ERROR)
            else:
                done += 1
        self._done(request, done, ngettext("%(n)s review published; its author was told.",
                                           "%(n)s reviews published; their authors were told.", done))

    @admin.action(description=_("Reject with a reason"), permissions=["change"])
    def reject_reviews(self, request, queryset):
        """First an intermediate page asks for the reason; its submit (with "apply") rejects them."""
        form = RejectReviewsForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for review in queryset.order_by("pk"):
                try:
                    review_service.reject(actor=request.user, review=review, reason=form.cleaned_data["reason"])
                except DomainError as exc:
                    self.message_user(request, f"{review.title}: {exc.message}", messages.ERROR)
                else:
                    done += 1
            self._done(request, done, ngettext("%(n)s review rejected; its author was told the reason.",
                                               "%(n)s reviews rejected; their authors were told the reason.", done))
            return None
        reviews = list(queryset.select_related("product").order_by("pk"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": gettext("Reject reviews"), "form": form, "reviews": reviews,
            "intro": ngettext("Reject this review? Its author is told the reason.",
                              "Reject these %(n)s reviews? Their authors are told the reason.", len(reviews))
            % {"n": len(reviews)},
            "submit": gettext("Reject"), "action": "reject_reviews", "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/feedback/review/reject.html", context)
