"""Django admin of support."""
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin import ReadOnlyAdmin
from portal.errors import DomainError

from .models import (
    Article,
    ArticleCategory,
    CannedReply,
    Holiday,
    InboundMessage,
    MailboxState,
    Message,
    Quarantine,
    SlaPolicy,
    Team,
    Ticket,
    WorkingHours,
)

# --- SLA policies and the business calendar (H-SLA) ----------------------------------------------------------------
# Targets in business minutes per (priority, tier), edited in the list; the working hours per weekday and the holidays
# (a half-day eve: "closes at"). Saving any of them recomputes the due times of the tickets still open
# (support.services.clocks).


def _recompute(**filters):
    from .services.clocks import recompute_open_tickets

    return recompute_open_tickets(**filters)


def _business_hours(minutes):
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d}"


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "tier", "priority", "first_response_minutes", "first_response_hours",
                    "resolution_minutes", "resolution_hours")
    list_editable = ("first_response_minutes", "resolution_minutes")
    list_filter = ("tier", "priority")

    @admin.display(description=_("first response (business hours)"))
    def first_response_hours(self, policy):
        return _business_hours(policy.first_response_minutes)

    @admin.display(description=_("resolution (business hours)"))
    def resolution_hours(self, policy):
        return _business_hours(policy.resolution_minutes)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recompute(priority=obj.priority, dealer__tier=obj.tier)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recompute(priority=obj.priority, dealer__tier=obj.tier)


class CalendarAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recompute()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recompute()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        _recompute()


@admin.register(WorkingHours)
class WorkingHoursAdmin(CalendarAdmin):
    list_display = ("__str__", "weekday", "opens", "closes")
    list_editable = ("opens", "closes")


@admin.register(Holiday)
class HolidayAdmin(CalendarAdmin):
    list_display = ("date", "name", "closes_at")
    list_editable = ("closes_at",)
    date_hierarchy = "date"
    search_fields = ("name",)


# --- FAQ (H-FAQ) ----------------------------------------------------------------------------------------------------
# Categories and articles with their five languages grouped; an article's status moves only by the "Publish" and
# "Unpublish" actions (support.services.publish_articles: the same permission as the pages' drafts), a new article
# starts as a draft; the "was this helpful" counts are the readers' and read-only.


@admin.register(ArticleCategory)
class ArticleCategoryAdmin(admin.ModelAdmin):
    list_display = ("name_en", "slug", "position", "article_count")
    list_editable = ("position",)
    search_fields = ("name_en", "name_tr", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    fieldsets = (
        (None, {"fields": ("slug", "position")}),
        (_("Name in the five languages"), {"fields": ("name_en", "name_tr", "name_bg", "name_vi", "name_zh_hans")}),
    )

    @admin.display(description=_("articles"))
    def article_count(self, category):
        return category.articles.count()


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title_en", "category", "status", "translated", "helpful_yes", "helpful_no", "updated_at")
    list_filter = ("status", "category")
    search_fields = ("slug", "title_en", "title_tr", "title_bg", "title_vi", "title_zh_hans")
    list_select_related = ("category",)
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("status", "helpful_yes", "helpful_no", "updated_at", "page_link")
    actions = ("publish_selected", "unpublish_selected")
    fieldsets = (
        (None, {"fields": ("category", "slug", "status", "page_link")}),
        (_("English"), {"fields": ("title_en", "body_en")}),
        (_("Turkish"), {"fields": ("title_tr", "body_tr")}),
        (_("Bulgarian"), {"fields": ("title_bg", "body_bg"), "classes": ("collapse",)}),
        (_("Vietnamese"), {"fields": ("title_vi", "body_vi"), "classes": ("collapse",)}),
        (_("Chinese"), {"fields": ("title_zh_hans", "body_zh_hans"), "classes": ("collapse",)}),
        (_("Was it helpful"), {"fields": ("helpful_yes", "helpful_no", "updated_at")}),
    )

    @admin.display(description=_("translated into"))
    def translated(self, article):
        return " ".join(code for code in ("tr", "bg", "vi", "zh_hans")
                        if getattr(article, f"title_{code}") and getattr(article, f"body_{code}")) or "—"

    @admin.display(description=_("FAQ page"))
    def page_link(self, article):
        if not article.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("support:faq_article", args=[article.slug]),
                           _("Open the FAQ page"))

    def _publish(self, request, queryset, publish):
        from .services import publish_articles

        try:
            changed = publish_articles(actor=request.user, articles=queryset, publish=publish)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        message = (ngettext("%(count)d article published.", "%(count)d articles published.", changed) if publish
                   else ngettext("%(count)d article back to draft.", "%(count)d articles back to draft.",
                                      changed))
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._publish(request, queryset, True)

    @admin.action(description=_("Unpublish the selected articles (back to draft)"), permissions=["change"])
    def unpublish_selected(self, request, queryset):
        self._publish(request, queryset, False)


# --- The desk (H-DESK): teams, canned replies, tickets read-only, the quarantine -----------------------------------

@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "lead", "member_count")
    filter_horizontal = ("members",)
    search_fields = ("name",)

    @admin.display(description=_("members"))
    def member_count(self, team):
        return team.members.count()


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "active")
    list_filter = ("active", "category")
    search_fields = ("title", "body_en", "body_tr")
    fieldsets = ((None, {"fields": ("title", "category", "active"),
                         "description": _("Placeholders: {dealer} {first_name} {ticket} {order} {shipment} "
                                          "{tracking_code} {invoice} {agent}. A language left empty falls back "
                                          "to English.")}),
                 (_("Text"), {"fields": ("body_en", "body_tr", "body_bg", "body_vi", "body_zh_hans")}))


class MessageInline(admin.TabularInline):
    """The conversation, read-only (internal notes included: staff only)."""

    model = Message
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "author", "from_staff", "body")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: tickets are worked on the desk (/support/desk/) through its services; the one action here, "assign
    to me", calls desk.assign."""

    list_display = ("number", "subject", "dealer", "status", "priority", "team", "assignee", "created_at",
                    "desk_link")
    list_filter = ("status", "priority", "category", "team", "dealer__tier")
    search_fields = ("number", "subject", "dealer__legal_name", "dealer__trade_name", "dealer__code")
    list_select_related = ("dealer", "team", "assignee")
    date_hierarchy = "created_at"
    inlines = [MessageInline]
    actions = ["assign_to_me"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("desk"))
    def desk_link(self, ticket):
        return format_html('<a href="{}">{}</a>', reverse("support:desk_ticket", args=[ticket.number]),
                           _("Open on the desk"))

    @admin.action(description=_("Assign to me"), permissions=["view"])
    def assign_to_me(self, request, queryset):
        from .services import desk

        done = 0
        for ticket in queryset:
            try:
                desk.assign(actor=request.user, ticket=ticket, assignee=request.user, team=ticket.team)
            except DomainError as exc:
                self.message_user(request, f"{ticket.number}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, ngettext("%(count)s ticket assigned to you.",
                                                "%(count)s tickets assigned to you.", done) % {"count": done},
                              messages.SUCCESS)


@admin.register(Quarantine)
class QuarantineAdmin(admin.ModelAdmin):
    """Files refused by the content check, for staff to look at; never served to dealers, never changed here."""

    list_display = ("created_at", "filename", "reason", "ticket", "uploaded_by")
    list_select_related = ("ticket", "uploaded_by")
    search_fields = ("filename", "reason", "ticket__number")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MailboxState)
class MailboxStateAdmin(ReadOnlyAdmin):
    """Where polling of each support mailbox (SUPPORT_MAILBOXES) stands and whether it works; written by the poller
    only (support/services/mail_poll.py), read here."""

    list_display = ("name", "last_ok_at", "failing_since", "last_error", "taken", "last_polled_at")
    list_filter = (("failing_since", admin.EmptyFieldListFilter),)
    search_fields = ("name",)


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """Every message that came in by mail or a messaging channel and what became of it (read only: the desk's
    quarantine page releases held ones); the raw message is a download for support agents. "Drop" drops held ones
    through support.services.quarantine (support agents only)."""

    list_display = ("received_at", "channel", "status", "sender", "subject", "reason", "ticket", "raw_link")
    list_filter = ("channel", "status")
    list_select_related = ("ticket",)
    search_fields = ("sender", "sender_name", "subject", "external_id")
    date_hierarchy = "received_at"
    actions = ["drop_held"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["raw_link"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("raw message"))
    def raw_link(self, obj):
        if not obj.raw:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("support:inbound_raw", args=[obj.pk]), _("Download"))

    @admin.action(description=_("Drop the selected messages held in quarantine"))
    def drop_held(self, request, queryset):
        from .services import quarantine

        done = 0
        for inbound in queryset.order_by("pk"):
            try:
                quarantine.drop(actor=request.user, inbound=inbound)
            except DomainError as exc:
                self.message_user(request, f"{inbound.pk}: {exc.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, ngettext("%(count)s message dropped.", "%(count)s messages dropped.", done)
                              % {"count": done}, messages.SUCCESS)
