"""Admin of the kernel: the outbox (with resend), the read-only audit log, rendered documents, API tokens."""
import json

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _, ngettext

from . import api_tokens, audit, documents, outbox
from .errors import DomainError
from .models import ApiToken, AuditEntry, Document, Notification


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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAddForm(forms.ModelForm):
    """An admin add form whose row is made by a service, called while the form is validated (inside the admin's
    transaction): a refusal shows on the form with everything typed kept, and nothing is saved."""

    user = None  # set by ServiceAddAdmin.get_form

    def perform(self, data):
        """Call the service with the cleaned data; return the row it made."""
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        self.instance.pk = None
        if not self.errors:
            try:
                self.made = self.perform(data)
            except DomainError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
        return data


class ServiceAddAdmin(admin.ModelAdmin):
    """Adds through `add_form` (a ServiceAddForm) and shows saved rows read-only: they change only by services."""

    add_form = None

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = type(self.add_form.__name__, (self.add_form,), {"user": request.user})
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return self.add_form.Meta.fields if obj is None else super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "id"] if obj is not None else []

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.pk = form.made.pk
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
            outbox.resend(notification=row, by=request.user)
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
        return format_html('<a href="{}">{}</a>', reverse("document_download", args=[obj.pk]), _("Download"))

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
                self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
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
                                                 by=request.user)
        # The admin goes on with `obj` (log entry, redirect): make it the saved token.
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
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
            api_tokens.revoke_api_token(token=token, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )
