"""Admin of the kernel: the outbox (with resend), the read-only audit log, rendered documents, API tokens; and
what every app's admin shares: batch summaries, money and quantity columns, status-move buttons on a change page."""
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import api_tokens, audit, documents, outbox
from .errors import DomainError, add_to_form
from .models import ApiToken, AuditEntry, Document, Notification
from .money import DEFAULT_CURRENCY, format_money


def summary_message(done_text, skipped: list[str]) -> str:
    """One message for a whole batch: "3 dealers approved; 1 skipped: Acme: <why>"."""
    if not skipped:
        return str(done_text)
    return ngettext(
        "%(done)s; %(count)d skipped: %(skipped)s",
        "%(done)s; %(count)d skipped: %(skipped)s",
        len(skipped),
    ) % {"done": done_text, "count": len(skipped), "skipped": "; ".join(skipped)}


def summary_level(done: int, skipped: list) -> int:
    if not skipped:
        return messages.SUCCESS
    return messages.WARNING if done else messages.ERROR


# --- Money and quantities as staff read them -----------------------------------------------------------------------

def _attr_path(obj, dotted):
    for name in dotted.split("."):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def admin_money(amount, currency=DEFAULT_CURRENCY) -> str:
    """`7,640.94 TRY` (thousands separators and currency, in the admin's language) kept on one line in narrow
    columns; `—` for no amount."""
    if amount is None or amount == "":
        return "—"
    try:
        text = format_money(Decimal(str(amount)), currency or DEFAULT_CURRENCY)
    except (InvalidOperation, ValueError):
        return str(amount)
    return format_html('<span class="money">{}</span>', text)


def admin_quantity(value) -> str:
    """`1` (not `1.000`), `2.5`, `1,200`: a stored quantity without its padding zeros, grouped like money."""
    if value is None or value == "":
        return "—"
    try:
        value = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    places = max(0, -value.normalize().as_tuple().exponent)
    return number_format(value, decimal_pos=places, force_grouping=True)


def money_field(name, description, *, currency="currency"):
    """An admin column or read-only field showing the amount `name` formatted with the row's currency (a dotted
    path such as `order.currency`): `total = money_field("total_gross", _("total"))`."""

    @admin.display(description=description, ordering=name if "." not in name else None)
    def show(self, obj):
        return admin_money(_attr_path(obj, name), _attr_path(obj, currency) or DEFAULT_CURRENCY)

    return show


def quantity_field(name, description):
    """An admin column or read-only field showing the quantity `name` without padding zeros."""

    @admin.display(description=description, ordering=name)
    def show(self, obj):
        return admin_quantity(_attr_path(obj, name))

    return show


# --- Status moves from an object's own admin page ------------------------------------------------------------------

class ReadOnlyInline(admin.TabularInline):
    """Rows staff read on a page and never edit there (lines, allocations, history): no add, change or delete."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusHistoryInline(ReadOnlyInline):
    """A lifecycle's history (portal.lifecycle.StatusChange rows): when, from, to, who, the note."""

    fields = ["created_at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@dataclass(frozen=True)
class AdminMove:
    """One button on an admin change page: a move the object's own transitions table allows from its current
    status. Confirmed on a page of its own (with `form` when the move asks for something), then made by the app's
    service, which checks the table again under its lock."""

    name: str
    label: str
    intro: str = ""
    form: type | None = None
    initial: dict = field(default_factory=dict, hash=False)
    direct: bool = False  # a move without a form whose button posts at once (no confirmation page)


class StatusMovesAdmin(admin.ModelAdmin):
    """A change page that shows the current status and one button per allowed move (`status_moves`), each through
    a confirmation page, then `perform_move` (the service). A refusal (DomainError) is an error message, never a
    500; a move the status no longer allows is refused the same way."""

    change_form_template = "admin/status_moves/change_form.html"
    status_moves_confirm_template = "admin/status_moves/confirm.html"

    def status_moves(self, request, obj) -> list[AdminMove]:
        raise NotImplementedError

    def perform_move(self, request, obj, move: AdminMove, data: dict):
        """Call the app's service; raise its DomainError unchanged."""
        raise NotImplementedError

    def current_status(self, obj) -> str:
        return obj.get_status_display()

    def make_move_form(self, request, obj, move: AdminMove):
        if move.form is None:
            return None
        return move.form(request.POST if request.method == "POST" else None, initial=move.initial)

    def _move_url_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_move"

    def get_urls(self):
        return [
            path("<path:object_id>/move/<str:move_name>/", self.admin_site.admin_view(self.status_move_view),
                 name=self._move_url_name()),
            *super().get_urls(),
        ]

    def status_move_view(self, request, object_id, move_name):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        move = {m.name: m for m in self.status_moves(request, obj)}.get(move_name)
        if move is None:
            self.message_user(request, gettext("%(object)s: this move is not allowed while it is “%(status)s”.")
                              % {"object": obj, "status": self.current_status(obj)}, messages.ERROR)
            return redirect(change_url)
        form = self.make_move_form(request, obj, move)
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                self.perform_move(request, obj, move, form.cleaned_data if form is not None else {})
            except DomainError as exc:
                if form is not None:  # stays on the confirm page with what staff typed, the refusal on it
                    add_to_form(form, exc)
                else:
                    self.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
                    return redirect(change_url)
            else:
                obj.refresh_from_db()
                self.message_user(request, gettext("%(object)s is now “%(status)s”.")
                                  % {"object": obj, "status": self.current_status(obj)}, messages.SUCCESS)
                return redirect(change_url)
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.status_moves_confirm_template, {
            **self.admin_site.each_context(request), "opts": self.opts, "original": obj, "move": move,
            "form": form, "title": f"{move.label}: {obj}", "current_status": self.current_status(obj),
            "cancel_url": change_url, "media": self.media + form.media if form is not None else self.media,
        })

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            allowed = self.status_moves(request, obj) if self.has_change_permission(request, obj) else []
            context["status_panel"] = {
                "current": self.current_status(obj),
                "moves": [{"name": move.name, "label": move.label, "direct": move.direct and move.form is None,
                           "url": reverse(f"admin:{self._move_url_name()}", args=[obj.pk, move.name])}
                          for move in allowed],
            }
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAddForm(forms.ModelForm):
    """An admin add form whose row is made by a service. The form only validates; the admin calls `perform` in
    save_model (inside its transaction). A refusal of the service rolls that back and shows the form again with the
    refusal on it and everything typed kept (ServiceAddAdmin.add_view): nothing is saved."""

    user = None  # the requesting staff user, set per request by ServiceAddAdmin.get_form
    refusal = None  # the service's DomainError of this request's first attempt, shown on the form again

    def perform(self, data):
        """Call the service with the cleaned data; return the row it made."""
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        self.instance.pk = None
        if self.refusal is not None:
            add_to_form(self, self.refusal)
        return data

    def _post_clean(self):
        # The service checks what the model's constraints say (amount above zero...) with its own messages, in
        # save_model: the form leaves the constraints to it, as it did when the service ran during validation.
        self.instance.validate_constraints = lambda exclude=None: None
        try:
            super()._post_clean()
        finally:
            del self.instance.validate_constraints


class _ServiceRefused(Exception):
    """Raised out of save_model so the admin's transaction rolls back; carries the service's DomainError."""

    def __init__(self, error: DomainError):
        super().__init__(str(error))
        self.error = error


class ServiceAddAdmin(admin.ModelAdmin):
    """Adds through `add_form` (a ServiceAddForm) and shows saved rows read-only: they change only by services.
    Nothing of a request is kept on this admin (one instance serves every request): the staff user and a refusal
    travel on the request and the form class made for it."""

    add_form = None
    # Saved rows show these stored fields through an admin display of that name (an amount with its currency).
    display_fields: dict = {}

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except _ServiceRefused as refused:
            # The add's transaction is rolled back; the same POST again shows the form with the refusal on it.
            request.service_refusal = refused.error
            return super().add_view(request, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = type(self.add_form.__name__, (self.add_form,),
                                  {"user": request.user, "refusal": getattr(request, "service_refusal", None)})
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return self.add_form.Meta.fields if obj is None else self.get_readonly_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [self.display_fields.get(f.name, f.name) for f in self.model._meta.fields if f.name != "id"]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            made = form.perform(form.cleaned_data)
        except DomainError as exc:
            raise _ServiceRefused(exc) from exc
        # The admin goes on with `obj` (log entry, redirect): make it the row the service made.
        obj.pk = made.pk
        obj.refresh_from_db()


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "template", "language", "status", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "template", "language", "created_at"]
    search_fields = ["recipient", "template", "subject"]
    date_hierarchy = "created_at"
    actions = ["resend_selected"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("Send the selected notifications again"))
    def resend_selected(self, request, queryset):
        count = 0
        for row in queryset:
            outbox.resend(notification=row, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d notification queued again.", "%(count)d notifications queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None):
        # Needed for the resend action; every field stays read-only.
        return request.user.is_staff and request.user.has_perm("portal.change_notification")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_repr", "dealer", "action", "target_repr", "ip_address"]
    list_filter = ["action", "created_at", ("target_type", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["actor_repr", "action", "target_repr", "dealer__legal_name", "dealer__code"]
    date_hierarchy = "created_at"
    list_select_related = ["dealer"]
    readonly_fields = ["created_at", "actor", "actor_repr", "dealer", "action", "target_type", "target_id",
                       "target_repr", "local_data", "ip_address"]
    fields = readonly_fields  # the stored `data` only through local_data (its moments are UTC text)

    @admin.display(description=_("data"))
    def local_data(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(audit.local_data(obj.data), ensure_ascii=False, indent=2,
                                                       default=str))


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "title", "kind", "dealer", "language", "status", "download_link"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["title", "dealer__legal_name"]
    list_select_related = ["dealer"]
    readonly_fields = ["kind", "title", "dealer", "language", "status", "file", "attempts", "last_error",
                       "created_at", "rendered_at"]
    change_list_template = "admin/portal/document/change_list.html"

    @admin.display(description=_("file"))
    def download_link(self, obj):
        if obj.status != Document.Status.READY:
            return "—"
        url = reverse("document_download", args=[documents.sign_id("portal.document", obj.pk)])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_urls(self):
        return [
            path("specimen/", self.admin_site.admin_view(self.specimen_view), name="portal_document_specimen"),
            *super().get_urls(),
        ]

    def specimen_view(self, request):
        if request.method != "POST":
            return redirect("admin:portal_document_changelist")
        documents.request_document(owner=request.user, kind="portal.specimen", language=request.LANGUAGE_CODE)
        self.message_user(request, _("The specimen PDF is being rendered; reload this page in a moment."))
        return redirect("admin:portal_document_changelist")


class ApiTokenForm(forms.ModelForm):
    """Issuing a token: a name, the user it acts as, its scopes. The key is made by the service."""

    scopes = forms.MultipleChoiceField(label=_("scopes"), choices=ApiToken.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ["name", "user", "scopes"]

    def clean(self):
        cleaned = super().clean()
        user, scopes = cleaned.get("user"), cleaned.get("scopes")
        if user is not None and scopes:
            try:
                cleaned["scopes"] = api_tokens.check_scopes(user=user, scopes=scopes)
            except DomainError as exc:
                add_to_form(self, exc)
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued (key shown once) and revoked through the services; never edited nor deleted."""

    form = ApiTokenForm
    list_display = ["name", "user", "prefix", "scope_list", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    actions = ["revoke_selected"]
    # key_hash is never shown: not in the form, not among these.
    readonly_fields = ["name", "user", "prefix", "scope_list", "created_at", "last_used_at", "revoked_at"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes or [])

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["name", "user", "scopes"]

    def has_change_permission(self, request, obj=None):
        # The list and the revoke action need it; a token's own page stays read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit log keeps naming the token

    def save_model(self, request, obj, form, change):
        token, key = api_tokens.create_api_token(name=obj.name, user=obj.user, scopes=form.cleaned_data["scopes"],
                                                 actor=request.user)
        # The admin goes on with `obj` (log entry, redirect): make it the saved token.
        for model_field in ApiToken._meta.concrete_fields:
            setattr(obj, model_field.attname, getattr(token, model_field.attname))
        obj._state.adding = False
        self.message_user(request, format_html(
            "{} <code>{}</code>",
            _("Copy the key now; it is not shown again:"),
            key,
        ), messages.SUCCESS)

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_tokens.revoke_api_token(token=token, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )
