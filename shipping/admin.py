"""Django admin of shipping: carriers, zones (with their places inline) and methods (with their rate rules
inline). Which rule wins is explained on the rules' inline (services/rates.py)."""
import re

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from catalog.units import quantity_with_unit
from orders.models import Order
from portal.admin import AdminMove, ReadOnlyInline, StatusHistoryInline, StatusMovesAdmin
from portal.errors import DomainError, add_to_form

from . import permissions as shipping_permissions
from .admin_tracking import CarrierAdmin, TrackingEventAdmin, TrackingEventInline  # noqa: F401  (carriers, events)
from .models import (
    SHIPMENT,
    Carrier,
    DeliveryReport,
    Parcel,
    RateRule,
    Shipment,
    ShipmentLine,
    ShipmentStatusChange,
    ShippingMethod,
    ShippingZone,
    ZoneLine,
)
from .services import shipments as shipment_services


class ZoneLineInline(admin.TabularInline):
    model = ZoneLine
    extra = 1


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "places"]
    search_fields = ["name", "lines__city", "lines__postcode_prefix"]
    inlines = [ZoneLineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lines")

    @admin.display(description=_("places"))
    def places(self, zone):
        return ", ".join(str(line) for line in zone.lines.all())


class RateRuleInline(admin.TabularInline):
    model = RateRule
    extra = 1
    fields = ["kind", "from_value", "to_value", "zone", "segment", "dealer", "price"]
    autocomplete_fields = ["dealer"]
    verbose_name_plural = _("rate rules (the most specific matching rule wins: dealer, then segment, then zone, "
                            "then a general rule; then a band before a flat rate; bands include “from” and exclude “up to”)")


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "carrier", "lead_time_days", "free_above_net", "vat_rate", "active",
                    "ordering"]
    list_filter = ["active", "carrier"]
    list_editable = ["active", "ordering"]
    search_fields = ["code", "name_en", "name_tr"]
    filter_horizontal = ["segments"]
    autocomplete_fields = ["dealers"]
    inlines = [RateRuleInline]
    fieldsets = [
        (None, {"fields": ["code", "name_en", "name_tr", "name_bg", "name_vi", "name_zh_hans", "carrier",
                           "lead_time_days", "active", "ordering"]}),
        (_("Who may use it"), {"fields": ["segments", "dealers"]}),
        (_("Charges"), {"fields": ["vat_rate", "free_above_net", "handling_charge", "carries_fragile",
                                   "carries_hazardous"]}),
        (_("Insurance"), {"fields": ["insurance_rate_percent", "insurance_minimum", "insurance_cover_en",
                                     "insurance_cover_tr", "insurance_cover_bg", "insurance_cover_vi",
                                     "insurance_cover_zh_hans"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("carrier")


# --- Shipments (issue 14, section 2) ------------------------------------------------------------------------------
# A shipment is made by the "add" page below (order number, then its lines' quantities, parcels, carrier or own
# truck) through services.create_shipment, and moved by its page's buttons (StatusMovesAdmin) through move_shipment.



class ShipmentLineInline(ReadOnlyInline):
    model = ShipmentLine
    fields = ["order_line", "quantity"]
    readonly_fields = fields


class ParcelInline(ReadOnlyInline):
    model = Parcel
    fields = ["tracking_code", "weight_kg"]
    readonly_fields = fields


class ShipmentHistoryInline(StatusHistoryInline):
    model = ShipmentStatusChange


class DeliveryReportInline(ReadOnlyInline):
    """The dealer's delivery report (issue 14, section 5): received, or received with problems (lines, kind, how
    much, what happened, photos), kept for support to pick up (selectors.open_delivery_problems)."""

    model = DeliveryReport

    template = "admin/edit_inline/stacked.html"
    fields = ["outcome", "note", "reported_by", "on_behalf", "reported_at", "problem_lines", "photo_links"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reported_by").prefetch_related(
            "problems__shipment_line__order_line", "photos")

    @admin.display(description=_("problems"))
    def problem_lines(self, report):
        from django.utils.html import format_html_join

        return format_html_join(
            "", "<div>{} · {} · {}</div>",
            ((problem.shipment_line.order_line.sku, problem.get_kind_display(),
              quantity_with_unit(problem.quantity, problem.shipment_line.order_line.unit))
             for problem in report.problems.all())) or "—"

    @admin.display(description=_("photos"))
    def photo_links(self, report):
        from django.utils.html import format_html_join

        return format_html_join(" ", '<a href="{}" target="_blank" rel="noopener">{}</a>',
                                ((reverse("shipping:delivery_photo", args=[photo.pk]), _("Photo %(n)s") % {"n": n})
                                 for n, photo in enumerate(report.photos.all(), start=1))) or "—"


# "YK123, 2.5", "YK123 2,5", ", 500" (no code): the code, then a separator, then the weight (decimal point or comma).
PARCEL_LINE = re.compile(r"^\s*(?P<code>.*?)[\s,;]+(?P<weight>\d+(?:[.,]\d+)?)\s*$")


class ShipmentCreateForm(forms.Form):
    """The add page: the order's number, then (once the order is known) a quantity per line (default: what is still
    to ship), the parcels, and a carrier or the own truck."""

    order_number = forms.CharField(label=_("order number"), max_length=20)
    carrier = forms.ModelChoiceField(label=_("carrier"), required=False,
                                     queryset=Carrier.objects.filter(active=True, own_truck=False),
                                     help_text=_("Empty: the own truck below."))
    driver_name = forms.CharField(label=_("driver name"), max_length=100, required=False)
    driver_national_id = forms.CharField(label=_("driver national ID number"), max_length=11, required=False)
    vehicle_plate = forms.CharField(label=_("vehicle plate"), max_length=20, required=False)
    trailer_plate = forms.CharField(label=_("trailer plate"), max_length=20, required=False)
    parcels = forms.CharField(
        label=_("parcels"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One parcel a line: tracking code and weight in kg, separated by a comma or a space "
                    "(“YK123456, 2.5”). The own truck's parcels may have no tracking code (“, 500”)."))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.line_fields = {}
        if order is None:
            return
        rest = shipment_services.unshipped_quantities(order)
        for line in order.lines.all():
            name = f"line_{line.pk}"
            self.fields[name] = forms.DecimalField(
                label=f"{line.sku} — {line.name}", min_value=0, max_digits=12, decimal_places=3, required=False,
                initial=rest[line.pk],
                help_text=_("Ordered %(ordered)s, still to ship %(rest)s.") % {
                    "ordered": quantity_with_unit(line.quantity, line.unit),
                    "rest": quantity_with_unit(rest[line.pk], line.unit)})
            self.line_fields[line.pk] = name

    def quantities(self) -> dict:
        return {pk: self.cleaned_data.get(name) or 0 for pk, name in self.line_fields.items()}

    def parcel_rows(self) -> list:
        rows = []
        for raw in self.cleaned_data.get("parcels", "").splitlines():
            if not raw.strip():
                continue
            match = PARCEL_LINE.match(raw)
            rows.append((match["code"].strip(), match["weight"]) if match else (raw.strip(), ""))
        return rows

    def truck(self):
        values = {name: self.cleaned_data.get(name, "") for name in
                  ("driver_name", "driver_national_id", "vehicle_plate", "trailer_plate")}
        if self.cleaned_data.get("carrier") is None or any(values.values()):
            return values
        return None


@admin.register(Shipment)
class ShipmentAdmin(StatusMovesAdmin):
    list_display = ["number", "order", "dealer", "status", "carrier", "vehicle_plate", "shipped_at", "delivered_at",
                    "created_at"]
    list_filter = ["status", "carrier", "created_at"]
    search_fields = ["number", "order__number", "dealer__legal_name", "dealer__code", "parcels__tracking_code",
                     "vehicle_plate"]
    list_select_related = ["order", "dealer", "carrier"]
    date_hierarchy = "created_at"
    inlines = [ShipmentLineInline, ParcelInline, TrackingEventInline, ShipmentHistoryInline, DeliveryReportInline]
    readonly_fields = ["number", "order", "dealer", "status", "carrier", "driver_name", "driver_national_id",
                       "vehicle_plate", "trailer_plate", "created_by", "created_at", "shipped_at", "delivered_at"]
    fields = readonly_fields
    # The waybill PDF and its e-İrsaliye XML, linked once the shipment has left (issue 14 section 3).
    readonly_fields = [*readonly_fields, "waybill_number", "waybill_issued_at", "waybill_links"]
    fields = readonly_fields
    add_form_template = "admin/shipping/shipment/add.html"

    def status_moves(self, request, obj):
        if not shipping_permissions.may_move_shipment(request.user, obj):
            return []
        return [AdminMove(name=to.value, label=to.label,
                          intro=_("The shipment becomes “%(status)s”; its order follows.") % {"status": to.label})
                for to in SHIPMENT.targets(obj.status)]

    def perform_move(self, request, obj, move, data):
        shipment_services.move_shipment(actor=request.user, shipment=obj, to=move.name,
                                        note=(data.get("note") or "").strip())

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("waybill"))
    def waybill_links(self, obj):
        from django.utils.html import format_html

        if obj is None or not obj.waybill_number:
            return _("Issued when the shipment leaves.")
        return format_html('<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a>',
                           reverse("shipping:waybill", args=[obj.number]), _("Waybill PDF"),
                           reverse("shipping:despatch_xml", args=[obj.number]), _("e-İrsaliye XML"))

    def get_urls(self):
        # "Cancel the rest" of an order (short-shipping, shipping/admin_orders.py), before the object URLs.
        from django.urls import path

        from .admin_orders import cancel_rest_view
        from .admin_returns import add_return_view

        return [path("cancel-rest/", self.admin_site.admin_view(lambda request: cancel_rest_view(self, request)),
                     name="shipping_shipment_cancel_rest"),
                # The return shipment of an approved return (shipping/admin_returns.py, issue 14 section 7).
                path("add-return/", self.admin_site.admin_view(lambda request: add_return_view(self, request)),
                     name="shipping_shipment_add_return"),
                *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        """The order's number first; then its lines, parcels and carrier or own truck; saved by create_shipment.
        A refusal is shown on the form and nothing is saved."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        number = ((data or request.GET).get("order_number") or "").strip()
        order = Order.objects.filter(number=number).first() if number else None
        form = ShipmentCreateForm(data if data is not None and "save" in data else None, order=order,
                                  initial={"order_number": number})
        lookup_error = _("No order has the number “%(number)s”.") % {"number": number} \
            if number and order is None else ""
        if order is not None and form.is_bound and form.is_valid():
            try:
                shipment = shipment_services.create_shipment(
                    actor=request.user, order=order, lines=form.quantities(), parcels=form.parcel_rows(),
                    carrier=form.cleaned_data.get("carrier"), truck=form.truck(),
                    note=form.cleaned_data.get("note", ""))
            except DomainError as exc:
                add_to_form(form, exc, fields={"lines": None, "carrier": "carrier"})
            else:
                self.message_user(request, _("Shipment %(number)s of order %(order)s is being prepared.")
                                  % {"number": shipment.number, "order": order.number})
                return redirect(reverse("admin:shipping_shipment_change", args=[shipment.pk]))
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.add_form_template, {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form, "order": order,
            "title": _("Create a shipment"), "media": self.media + form.media, "lookup_error": lookup_error,
            "cancel_rest_url": reverse("admin:shipping_shipment_cancel_rest") + "?" + urlencode(
                {"order_number": order.number}) if order is not None else "",
        })
