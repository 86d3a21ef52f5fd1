"""Django admin of dealers: approval and the other status moves (through the services), users, terms, addresses."""
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.forms import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from portal.actors import Actor
from portal.admin import (
    AdminMove,
    ReadOnlyAdmin,
    ReadOnlyInline,
    StatusHistoryInline,
    StatusMovesAdmin,
    money_field,
    summary_level,
    summary_message,
)
from portal.errors import DomainError
from portal.http import client_ip
from portal.models import AuditEntry

from . import hooks, permissions, services
from .forms_admin import (
    AdminUserAddForm,
    AdminUserChangeForm,
    ApproveDealerForm,
    RejectDealerForm,
    SegmentAdminForm,
    SuspendDealerForm,
)
from .models import (
    Address,
    Dealer,
    DealerDocument,
    DealerStatusChange,
    DocumentType,
    Segment,
    TermsAcceptance,
    TermsVersion,
    User,
)
from .selectors import dealer_document_url

AUDIT_ROWS_SHOWN = 50

# --- Status moves -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DealerMove(AdminMove):
    """One move of the dealer lifecycle as the admin offers it: a button on a dealer's page (StatusMovesAdmin, the
    admin's one move mechanism) and an action over a changelist selection. Whether a dealer may make it is the
    service's to say (services.move_allowed, checked again under its lock); the form's cleaned data are the
    service's keyword arguments."""

    service: Callable | None = None
    title: str = ""
    done: object = None  # ngettext_lazy keyed on "count"

    @property
    def action_name(self):
        return f"{self.name}_selected"


APPROVE = DealerMove(
    name=services.APPROVE, service=services.approve_dealer, form=ApproveDealerForm, label=_("Approve"),
    title=_("Approve dealers"),
    intro=_("Each dealer gets a dealer code and the settings below, and the addresses on its application become its "
            "default billing and shipping addresses; its owner is mailed the code and a login link."),
    done=ngettext_lazy("%(count)d dealer approved", "%(count)d dealers approved", "count"),
)
REJECT = DealerMove(
    name=services.REJECT, service=services.reject_dealer, form=RejectDealerForm, label=_("Reject"),
    title=_("Reject dealers"),
    intro=_("The owner of each dealer is mailed the reason below. A rejection cannot be undone."),
    done=ngettext_lazy("%(count)d dealer rejected", "%(count)d dealers rejected", "count"),
)
SUSPEND = DealerMove(
    name=services.SUSPEND, service=services.suspend_dealer, form=SuspendDealerForm, label=_("Suspend"),
    title=_("Suspend dealers"),
    intro=_("Suspended dealers cannot order until they are reactivated; their owners are mailed."),
    done=ngettext_lazy("%(count)d dealer suspended", "%(count)d dealers suspended", "count"),
)
REACTIVATE = DealerMove(
    name=services.REACTIVATE, service=services.reactivate_dealer, form=None, direct=True, label=_("Reactivate"),
    title=_("Reactivate dealers"),
    intro=_("The dealers may order again; their owners are mailed."),
    done=ngettext_lazy("%(count)d dealer reactivated", "%(count)d dealers reactivated", "count"),
)
MOVES = {move.name: move for move in (APPROVE, REJECT, SUSPEND, REACTIVATE)}


# --- Dealer inlines -----------------------------------------------------------------------------

class DealerDocumentInline(ReadOnlyInline):
    model = DealerDocument
    fields = ["doc_type", "original_name", "content_type", "size", "uploaded_by", "uploaded_at", "download"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("doc_type", "uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj):
        if obj.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', dealer_document_url(document=obj), _("Download"))


class DealerUserInline(ReadOnlyInline):
    """The dealer's users; the owner invites them, so staff open a user's own page to change it."""

    model = User
    fk_name = "dealer"
    verbose_name_plural = _("users")
    fields = ["user_link", "full_name", "role", "limit", "is_active"]
    readonly_fields = fields
    limit = money_field("order_limit", User._meta.get_field("order_limit").verbose_name)

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-is_active", "role", "email")

    @admin.display(description=_("e-mail address"))
    def user_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:dealers_user_change", args=[obj.pk]), obj.email)

    @admin.display(description=_("name"))
    def full_name(self, obj):
        return obj.get_full_name()


class DealerStatusChangeInline(StatusHistoryInline):
    model = DealerStatusChange


class NewestFormSet(BaseInlineFormSet):
    """Only the newest rows: a busy dealer's audit log would make its page endless."""

    def get_queryset(self):
        if not hasattr(self, "_newest"):
            self._newest = super().get_queryset()[:AUDIT_ROWS_SHOWN]
        return self._newest


class AuditEntryInline(ReadOnlyInline):
    model = AuditEntry
    fk_name = "dealer"
    formset = NewestFormSet
    verbose_name_plural = _("audit log (newest entries)")
    fields = ["created_at", "actor_repr", "action", "target_repr", "data", "ip_address"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-created_at", "-id")


# --- Dealers ------------------------------------------------------------------------------------

@admin.register(Dealer)
class DealerAdmin(StatusMovesAdmin):
    list_display = ["legal_name", "trade_name", "code", "status_badge", "segment", "account_manager", "created_at"]
    list_filter = ["status", "segment", "sector", "created_at"]
    search_fields = ["legal_name", "trade_name", "tax_number", "code", "email", "users__email"]
    list_select_related = ["segment", "account_manager"]
    ordering = ["-created_at"]
    readonly_fields = ["code", "status", "approved_at", "created_at", "status_reason"]
    filter_horizontal = ["agents"]
    fieldsets = (
        (_("Company"), {"fields": ("legal_name", "trade_name", "tax_office", "tax_number", "sector", "employees",
                                   "annual_revenue", "website")}),
        (_("Contact & address"), {"fields": ("phone", "email", "address_line", "city", "postal_code", "country",
                                             "shipping_address_line", "shipping_city", "shipping_postal_code")}),
        (_("Trade"), {"fields": ("status", "status_reason", "code", "approved_at", "created_at", "segment",
                                 "account_manager", "agents", "is_key_account")}),
    )
    inlines = [DealerDocumentInline, DealerUserInline, DealerStatusChangeInline, AuditEntryInline]
    actions = ["approve_selected", "reject_selected", "suspend_selected", "reactivate_selected"]
    # The shared status panel and confirmation page, with the dealer's panels (payments: its credit account) and
    # its legal name and code.
    change_form_template = "admin/dealers/dealer/change_form.html"
    status_moves_confirm_template = "admin/dealers/dealer/confirm_move.html"

    def has_add_permission(self, request):
        # A dealer comes in through the application (owner, documents, terms, audit row), never blank.
        return False

    def save_model(self, request, obj, form, change):
        # Saved with its agents in save_related, through the service that audits staff edits (kept on this
        # request's form: the ModelAdmin is shared by every request).
        form.staff_changes = {f: form.cleaned_data[f] for f in form.changed_data if f != "agents"}

    def save_related(self, request, form, formsets, change):
        agents = list(form.cleaned_data["agents"]) if "agents" in form.changed_data else None
        services.staff_update_dealer(dealer=form.instance, actor=request.user, changes=form.staff_changes,
                                     agents=agents, ip_address=client_ip(request))
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="dealer-status dealer-status-{}">{}</span>',  # colours: static/css/admin_portal.css
            obj.status, obj.get_status_display(),
        )

    # One dealer's page: the moves its status allows (StatusMovesAdmin: buttons, confirmation, the service).

    def status_moves(self, request, obj) -> list[DealerMove]:
        if not permissions.may_change_status(request.user, obj):
            return []
        return [move for move in MOVES.values() if services.move_allowed(dealer=obj, move=move.name)]

    def make_move_form(self, request, obj, move: DealerMove):
        if move.form is None:
            return None
        return move.form(request.POST if request.method == "POST" else None, user=request.user)

    def perform_move(self, request, obj, move: DealerMove, data):
        move.service(dealer=obj, actor=request.user, ip_address=client_ip(request), **data)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            context["dealer_panels"] = [html for html in hooks.dealer_panel.collect(request=request, dealer=obj)
                                        if html]
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # Actions over the changelist selection: a confirmation page first, then the service per dealer.

    @admin.action(description=_("Approve the selected dealers…"), permissions=["change"])
    def approve_selected(self, request, queryset):
        return self._run_action(request, queryset, APPROVE)

    @admin.action(description=_("Reject the selected dealers…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._run_action(request, queryset, REJECT)

    @admin.action(description=_("Suspend the selected dealers…"), permissions=["change"])
    def suspend_selected(self, request, queryset):
        return self._run_action(request, queryset, SUSPEND)

    @admin.action(description=_("Reactivate the selected dealers"), permissions=["change"])
    def reactivate_selected(self, request, queryset):
        return self._run_action(request, queryset, REACTIVATE)

    def _run_action(self, request, queryset, move: DealerMove):
        dealers = list(queryset)
        form = None
        if move.form is not None:
            form = move.form(request.POST if "apply" in request.POST else None, user=request.user)
            if not form.is_bound or not form.is_valid():
                return self._confirm_page(request, move, dealers, form)
        self._apply(request, move, dealers, form.cleaned_data if form is not None else {})
        return None  # the admin redirects back to the changelist

    def _apply(self, request, move: DealerMove, dealers, data) -> tuple[int, list[str]]:
        done, skipped = 0, []
        for dealer in dealers:
            try:
                self.perform_move(request, dealer, move, data)
            except DomainError as exc:
                skipped.append(f"{dealer}: {exc.message}")
            else:
                done += 1
        self.message_user(request, summary_message(move.done % {"count": done}, skipped),
                          summary_level(done, skipped))
        return done, skipped

    def _confirm_page(self, request, move: DealerMove, dealers, form):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "title": move.title,
            "move": move,
            "form": form,
            "media": self.media + form.media if form is not None else self.media,
            "dealers": [{"dealer": d, "allowed": services.move_allowed(dealer=d, move=move.name)} for d in dealers],
            "action": move.action_name,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "form_url": request.get_full_path(),
            "cancel_url": reverse("admin:dealers_dealer_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/dealers/dealer/confirm_status_change.html", context)


# --- Users --------------------------------------------------------------------------------------

@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users by e-mail address (no username): staff, and dealers' users with their dealer and role."""

    form = AdminUserChangeForm
    add_form = AdminUserAddForm
    add_form_template = None
    ordering = ["email"]
    list_display = ["email", "full_name", "dealer", "role", "is_staff", "is_active", "language"]
    list_filter = ["is_staff", "is_active", "role", "groups"]
    search_fields = ["email", "first_name", "last_name", "dealer__legal_name", "dealer__code"]
    list_select_related = ["dealer"]
    autocomplete_fields = ["dealer"]
    readonly_fields = ["invited_by", "invited_at", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone", "language")}),
        (_("Dealer"), {"fields": ("dealer", "role", "order_limit", "invited_by", "invited_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2", "dealer", "role")}),
    )

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name()

    def save_model(self, request, obj, form, change):
        """Role, order limit and active flag of a dealer's user go through the same service as the owner's
        page (last active owner rule, audit row); the form already checked the rule for a clear message."""
        dealer_fields = {"role", "order_limit", "is_active"} & set(form.changed_data)
        if not (change and obj.dealer_id and dealer_fields):
            return super().save_model(request, obj, form, change)
        original = User.objects.get(pk=obj.pk)
        for field in dealer_fields:
            setattr(obj, field, getattr(original, field))
        super().save_model(request, obj, form, change)
        services.change_user(
            actor=Actor(user=request.user, dealer=obj.dealer), user=obj, role=form.cleaned_data["role"],
            order_limit=form.cleaned_data["order_limit"], clear_order_limit=form.cleaned_data["order_limit"] is None,
            is_active=form.cleaned_data["is_active"])


# --- Reference data, terms, addresses -----------------------------------------------------------

@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    form = SegmentAdminForm
    list_display = ["name", "code", "is_default", "ordering", "dealer_count"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(dealer_total=Count("dealers"))

    @admin.display(description=_("dealers"), ordering="dealer_total")
    def dealer_count(self, obj):
        return obj.dealer_total


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "required", "active", "ordering"]
    list_editable = ["required", "active", "ordering"]
    list_filter = ["required", "active"]
    search_fields = ["name", "code"]


@admin.register(TermsVersion)
class TermsVersionAdmin(admin.ModelAdmin):
    """Drafts are written here and published by the action; a published text never changes."""

    list_display = ["version", "title", "published_at", "acceptance_count"]
    list_filter = [("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "body"]
    fields = ["version", "title", "body", "published_at", "created_at"]
    actions = ["publish_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(acceptance_total=Count("acceptances"))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return ["version", "title", "body", "published_at", "created_at"]
        return ["published_at", "created_at"]  # published only through the action (service, audit row)

    def get_changeform_initial_data(self, request):
        latest = TermsVersion.objects.order_by("-version").values_list("version", flat=True).first()
        return {"version": (latest or 0) + 1, **super().get_changeform_initial_data(request)}

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("acceptances"), ordering="acceptance_total")
    def acceptance_count(self, obj):
        return obj.acceptance_total

    @admin.action(description=_("Publish the selected drafts now"), permissions=["change"])
    def publish_now(self, request, queryset):
        done, skipped = 0, []
        for terms in queryset.order_by("version"):
            try:
                services.publish_terms(terms=terms, actor=request.user)
            except DomainError as exc:
                skipped.append(f"{terms}: {exc.message}")
            else:
                done += 1
        done_text = ngettext("%(count)d version published", "%(count)d versions published", done) % {"count": done}
        self.message_user(request, summary_message(done_text, skipped), summary_level(done, skipped))


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ["user", "terms", "accepted_at", "ip_address"]
    list_filter = ["terms", "accepted_at"]
    search_fields = ["user__email", "user__dealer__legal_name", "user__dealer__code"]
    list_select_related = ["user", "terms"]
    readonly_fields = ["user", "terms", "accepted_at", "ip_address"]


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["label", "dealer", "kind", "city", "country", "is_default"]
    list_filter = ["kind", "is_default", "country"]
    search_fields = ["label", "line1", "city", "contact_name", "dealer__legal_name", "dealer__code"]
    list_select_related = ["dealer"]
    autocomplete_fields = ["dealer"]
