"""Admin of the kernel: the outbox (with resend), the read-only audit log, rendered documents."""
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _, ngettext

from . import documents, outbox
from .models import AuditEntry, Document, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
                       "target_repr", "data", "ip_address"]


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
