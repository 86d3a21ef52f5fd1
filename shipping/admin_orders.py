"""Shipping on the order's admin page (hook point orders.admin_panel, registered in ShippingConfig.ready()): the
order's shipments with their status, what each line still has to ship, the "Create shipment" button (the shipment
add page for this order) and "Cancel the rest" (short-shipping: staff cancel what will never ship, with a note), each
disabled with the reason when the order cannot ship. The "Cancel the rest" page itself is a page of the shipments
admin (`admin:shipping_shipment_cancel_rest`, `?order_number=`), through services.short_ship."""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.units import quantity_with_unit
from orders.models import Order
from portal.errors import DomainError, add_to_form

from . import permissions as shipping_permissions
from .models import ShipmentKind
from .services import shipments as shipment_services

ADD_PERMISSION = "shipping.add_shipment"


def _why_not(request, order) -> str:
    if not (request.user.has_perm(ADD_PERMISSION) and shipping_permissions.may_ship(request.user, order)):
        return _("You may not create shipments.")
    return shipment_services.not_shippable_reason(order)


def order_shipments_panel(request, order) -> str:
    """orders.admin_panel: a box on the order's admin page with its shipments and what is still to ship."""
    if not (request.user.has_perm("shipping.view_shipment") or request.user.has_perm(ADD_PERMISSION)):
        return ""
    shipments = list(order.shipments.select_related("carrier").prefetch_related("parcels")
                     .order_by("created_at", "pk"))
    query = urlencode({"order_number": order.number})
    progress = [{"sku": row.line.sku, "name": row.line.name,
                 "ordered": quantity_with_unit(row.ordered, row.line.unit),
                 "preparing": quantity_with_unit(row.preparing, row.line.unit),
                 "left": quantity_with_unit(row.left, row.line.unit),
                 "cancelled": quantity_with_unit(row.cancelled, row.line.unit),
                 "to_ship": quantity_with_unit(row.to_ship, row.line.unit), "open": row.to_ship > 0}
                for row in shipment_services.line_progress(order)]
    return render_to_string("admin/shipping/order_panel.html", {
        "order": order,
        "shipments": [{"shipment": s, "url": reverse("admin:shipping_shipment_change", args=[s.pk]),
                       "is_return": s.kind == ShipmentKind.RETURN, "parcels": len(s.parcels.all()),
                       "carrier": str(s.carrier) if s.carrier_id else _("Own truck (%(plate)s)") % {
                           "plate": s.vehicle_plate}} for s in shipments],
        "lines": progress,
        "blocked": _why_not(request, order),
        "add_url": reverse("admin:shipping_shipment_add") + "?" + query,
        "cancel_url": reverse("admin:shipping_shipment_cancel_rest") + "?" + query,
    }, request=request)


class CancelRestForm(forms.Form):
    """Per line of the order, how much of what it still has to ship will never ship (default: all of it), and why."""

    note = forms.CharField(label=gettext_lazy("Why it will not ship"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=gettext_lazy("The dealer reads it in the order's history and in the mail."))

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = {}
        for row in shipment_services.line_progress(order):
            if row.to_ship <= 0:
                continue
            name = f"line_{row.line.pk}"
            self.fields[name] = forms.DecimalField(
                label=f"{row.line.sku} — {row.line.name}", min_value=0, max_digits=12, decimal_places=3,
                required=False, initial=row.to_ship,
                help_text=_("Ordered %(ordered)s, shipped %(left)s, being prepared %(preparing)s, still to ship "
                            "%(rest)s.") % {"ordered": quantity_with_unit(row.ordered, row.line.unit),
                                            "left": quantity_with_unit(row.left, row.line.unit),
                                            "preparing": quantity_with_unit(row.preparing, row.line.unit),
                                            "rest": quantity_with_unit(row.to_ship, row.line.unit)})
            self.line_fields[row.line.pk] = name
        self.order_fields([*self.line_fields.values(), "note"])  # the lines first, then why

    def quantities(self) -> dict:
        return {pk: self.cleaned_data.get(name) or 0 for pk, name in self.line_fields.items()}


def cancel_rest_view(model_admin, request):
    """The "Cancel the rest" page of an order (`?order_number=`): its lines' unshipped rest and a note, then
    short_ship; a refusal is shown on the form and nothing changes."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    number = (request.POST.get("order_number") or request.GET.get("order_number") or "").strip()
    order = Order.objects.filter(number=number).first() if number else None
    if order is None:
        messages.error(request, _("No order has the number “%(number)s”.") % {"number": number})
        return redirect(reverse("admin:shipping_shipment_changelist"))
    order_url = reverse("admin:orders_order_change", args=[order.pk])
    form = CancelRestForm(request.POST if request.method == "POST" else None, order=order)
    blocked = _why_not(request, order)
    if request.method == "POST" and not blocked and form.is_valid():
        try:
            shipment_services.short_ship(actor=request.user, order=order, lines=form.quantities(),
                                         note=form.cleaned_data["note"])
        except DomainError as exc:
            add_to_form(form, exc, fields={"lines": None, "note": "note"})
        else:
            order.refresh_from_db()
            messages.success(request, _("The rest of order %(number)s that will not ship is cancelled; the order is "
                                        "“%(status)s”.") % {"number": order.number,
                                                           "status": order.get_status_display()})
            return redirect(order_url)
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/shipping/cancel_rest.html", {
        **model_admin.admin_site.each_context(request), "opts": model_admin.opts, "form": form, "order": order,
        "order_url": order_url, "blocked": blocked, "media": model_admin.media + form.media,
        "title": _("Cancel the rest of order %(number)s") % {"number": order.number},
    })
