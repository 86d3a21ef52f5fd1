"""Admin of tracking (issue 14, section 4): carriers with their webhook secret, tracking events with the unmatched
ones staff assign to a shipment, and the events inline on a shipment's page.

A carrier's webhook secret is made when the carrier is added and shown on the page right after saving, once; the
"rotate" action makes a new one (the old stops working at once) and shows it once. No page shows it again: the
change page says only whether there is one, the webhook's address and how a call is signed."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.admin import ReadOnlyInline, summary_level, summary_message
from portal.errors import DomainError

from . import permissions as shipping_permissions
from .models import Carrier, EventState, Shipment, TrackingEvent
from .services import tracking


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "own_truck", "active", "has_webhook_secret"]
    list_filter = ["own_truck", "active"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "tax_number", "own_truck", "tracking_url_template", "active", "webhook"]
    readonly_fields = ["webhook"]
    actions = ["rotate_webhook_secret"]

    @admin.display(description=gettext_lazy("webhook secret"), boolean=True)
    def has_webhook_secret(self, carrier):
        return bool(carrier.webhook_secret)

    @admin.display(description=gettext_lazy("tracking webhook"))
    def webhook(self, carrier):
        if carrier.pk is None:
            return _("A webhook secret is made when the carrier is saved, and shown once.")
        if carrier.own_truck:
            return _("The own truck sends no tracking events.")
        state = (_("A secret is set; it is never shown again. “Rotate the webhook secret” in the list makes a new "
                   "one.") if carrier.webhook_secret else
                 _("No secret: calls are refused. “Rotate the webhook secret” in the list makes one."))
        return format_html(
            '<p><code class="nowrap">POST {}</code></p><p>{}</p><p>{}</p>', tracking.webhook_url(carrier), state,
            _("The carrier signs each call: header X-Timestamp with the time in unix seconds, and X-Signature: "
              "sha256= followed by the hex HMAC-SHA256 of the timestamp, a dot and the body, keyed with the secret. "
              "Calls more than five minutes old are refused.") + " " +
            _("The body is one event or {\"events\": [...]} with event_id, tracking_code, status, occurred_at and "
              "optionally raw_code, message, location, signed_by."))

    def save_model(self, request, obj, form, change):
        if not change and not obj.own_truck and not obj.webhook_secret:
            obj.webhook_secret = tracking.new_webhook_secret()
            request._new_webhook_secret = obj.webhook_secret  # shown by response_add, on this response only
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_new_webhook_secret", None)
        if secret is None or not shipping_permissions.may_manage_carrier_secrets(request.user):
            return super().response_add(request, obj, post_url_continue)
        return self._show_secrets(request, [(obj, secret)], _("Carrier %(name)s is added") % {"name": obj})

    def _show_secrets(self, request, rows, title):
        request.current_app = self.admin_site.name
        response = TemplateResponse(request, "admin/shipping/carrier/secrets.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "title": title,
            "rows": [{"carrier": carrier, "secret": secret, "url": tracking.webhook_url(carrier)}
                     for carrier, secret in rows],
            "list_url": reverse("admin:shipping_carrier_changelist"),
        })
        response["Cache-Control"] = "no-store"  # the secret is in this page only: no cache keeps it
        return response

    @admin.action(description=gettext_lazy("Rotate the webhook secret (the new one is shown once)"),
                  permissions=["change"])
    def rotate_webhook_secret(self, request, queryset):
        if not shipping_permissions.may_manage_carrier_secrets(request.user):
            raise PermissionDenied
        carriers = [carrier for carrier in queryset if not carrier.own_truck]
        if not carriers:
            self.message_user(request, _("The own truck has no webhook."), messages.WARNING)
            return None
        if "apply" not in request.POST:
            request.current_app = self.admin_site.name
            return TemplateResponse(request, "admin/shipping/action_confirm.html", {
                **self.admin_site.each_context(request), "opts": self.opts,
                "title": _("Rotate the webhook secret"),
                "intro": _("Each carrier below gets a new secret; the one it signs with now stops working at once, "
                           "so give it the new one straight away."),
                "objects": [str(carrier) for carrier in carriers], "action": "rotate_webhook_secret",
                "action_checkbox_name": ACTION_CHECKBOX_NAME, "selected": [carrier.pk for carrier in carriers],
                "submit": _("Rotate"),
            })
        rows = [(carrier, tracking.rotate_webhook_secret(actor=request.user, carrier=carrier))
                for carrier in carriers]
        return self._show_secrets(request, rows, _("New webhook secrets"))


# --- tracking events ------------------------------------------------------------------------------------------------

class TrackingEventInline(ReadOnlyInline):
    """A shipment's events as they came, applied or not (a late one is kept and says why)."""

    model = TrackingEvent
    fk_name = "shipment"
    fields = ["occurred_at", "status", "raw_code", "message", "location", "signed_by", "source", "state", "note"]
    readonly_fields = fields
    ordering = ["occurred_at", "pk"]
    verbose_name_plural = gettext_lazy("tracking events")


class AssignForm(forms.Form):
    shipment_number = forms.CharField(label=gettext_lazy("shipment number"), max_length=20,
                                      help_text=gettext_lazy("The shipment the events are about (SHP-…); it must be "
                                                             "carried by the carrier that sent them."))

    def clean_shipment_number(self):
        number = self.cleaned_data["shipment_number"].strip()
        shipment = Shipment.objects.select_related("carrier", "order").filter(number__iexact=number).first()
        if shipment is None:
            raise forms.ValidationError(_("No shipment has the number “%(number)s”.") % {"number": number})
        return shipment


@admin.register(TrackingEvent)
class TrackingEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "carrier", "tracking_code", "status", "source", "state", "shipment_link",
                    "received_at"]
    list_filter = ["state", "status", "carrier", "source"]
    search_fields = ["tracking_code", "event_id", "shipment__number", "message"]
    list_select_related = ["carrier", "shipment"]
    date_hierarchy = "occurred_at"
    actions = ["assign_to_shipment"]
    readonly_fields = ["source", "event_id", "carrier", "tracking_code", "status", "raw_code", "message", "location",
                       "occurred_at", "signed_by", "shipment_link", "state", "note", "received_at", "applied_at",
                       "payload"]
    fields = readonly_fields

    @admin.display(description=gettext_lazy("shipment"), ordering="shipment__number")
    def shipment_link(self, event):
        if event.shipment_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:shipping_shipment_change",
                                                          args=[event.shipment_id]), event.shipment.number)

    def has_add_permission(self, request):
        return False  # events come from carriers and the ERP

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # the list's action; rows stay as sent

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Assign the selected unmatched events to a shipment…"),
                  permissions=["change"])
    def assign_to_shipment(self, request, queryset):
        if not shipping_permissions.may_assign_events(request.user):
            raise PermissionDenied
        events = list(queryset.select_related("carrier").order_by("occurred_at", "pk"))
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            shipment = form.cleaned_data["shipment_number"]
            done, skipped = [], []
            for event in events:
                try:
                    applied = tracking.assign_event(actor=request.user, event=event, shipment=shipment)
                except DomainError as exc:
                    skipped.append(f"{event}: {exc.message}")
                else:
                    done.append(applied)
            kept = sum(1 for applied in done if applied.state == EventState.KEPT)
            text = _("%(count)s events assigned to %(number)s (%(kept)s of them kept, not applied: see their "
                     "notes).") % {"count": len(done), "number": shipment.number, "kept": kept}
            self.message_user(request, summary_message(text, skipped), summary_level(len(done), skipped))
            return None
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/shipping/action_confirm.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "title": _("Assign events to a shipment"),
            "intro": _("The events are applied to the shipment like any other: one older than an event applied "
                       "already, or behind the shipment's status, is kept and shown, not applied."),
            "form": form, "objects": [f"{e} · {e.carrier or e.source} · {e.get_state_display()}" for e in events],
            "action": "assign_to_shipment", "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME), "submit": _("Assign"),
        })
