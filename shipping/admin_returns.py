"""Returns in the admin (issue 14, section 7): on a return's admin page (hook point orders.return_admin_panel,
registered in ShippingConfig.ready()) its return shipments with their return waybill, and "Create the return
shipment" (disabled with the reason unless the return is approved and has none on its way); the create page itself
(`admin:shipping_shipment_add_return`, `?return_number=`) asks for a carrier or the own truck and the parcels, and
calls services.create_return_shipment."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from orders.models import ReturnRequest
from portal.errors import DomainError, add_to_form

from . import permissions as shipping_permissions
from .models import Shipment, ShipmentKind
from .services import returns as return_services

ADD_PERMISSION = "shipping.add_shipment"


def _why_not(request, rma) -> str:
    if not (request.user.has_perm(ADD_PERMISSION) and shipping_permissions.may_ship(request.user, rma)):
        return _("You may not create shipments.")
    return return_services.why_no_return_shipment(rma)


def return_shipments_panel(request, rma) -> str:
    """orders.return_admin_panel: a box on the return's admin page with its return shipments and the button."""
    if not (request.user.has_perm("shipping.view_shipment") or request.user.has_perm(ADD_PERMISSION)):
        return ""
    shipments = list(Shipment.objects.filter(kind=ShipmentKind.RETURN, return_request=rma)
                     .select_related("carrier").order_by("created_at", "pk"))
    return render_to_string("admin/shipping/return_panel.html", {
        "rma": rma,
        "shipments": [{"shipment": s, "url": reverse("admin:shipping_shipment_change", args=[s.pk]),
                       "waybill_url": reverse("shipping:waybill", args=[s.number]) if s.waybill_number else "",
                       "carrier": str(s.carrier) if s.carrier_id else _("Own truck (%(plate)s)") % {
                           "plate": s.vehicle_plate}} for s in shipments],
        "blocked": _why_not(request, rma),
        "add_url": reverse("admin:shipping_shipment_add_return") + "?" + urlencode({"return_number": rma.number}),
    }, request=request)


def add_return_view(model_admin, request):
    """The return shipment of an approved return: a carrier (its pickup, with the tracking codes it gave) or the own
    truck collecting the goods, and the parcels. A refusal is shown on the form and nothing is saved."""
    from .admin import ShipmentCreateForm

    if not (model_admin.has_add_permission(request) and shipping_permissions.may_ship(request.user)):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    number = ((data or request.GET).get("return_number") or "").strip()
    rma = ReturnRequest.objects.select_related("order", "line", "order__dealer").filter(number=number).first()
    form = ShipmentCreateForm(data, order=None, initial={"order_number": rma.order.number if rma else ""})
    form.fields.pop("order_number")
    blocked = _("No return has the number “%(number)s”.") % {"number": number} if rma is None \
        else return_services.why_no_return_shipment(rma)
    if rma is not None and not blocked and form.is_bound and form.is_valid():
        try:
            shipment = return_services.create_return_shipment(
                actor=request.user, return_request=rma, parcels=form.parcel_rows(),
                carrier=form.cleaned_data.get("carrier"), truck=form.truck(), note=form.cleaned_data.get("note", ""))
        except DomainError as exc:
            add_to_form(form, exc, fields={"carrier": "carrier"})
        else:
            model_admin.message_user(request, _("Return shipment %(number)s of return %(rma)s is made; its waybill "
                                                "%(waybill)s is there for the dealer.")
                                     % {"number": shipment.number, "rma": rma.number,
                                        "waybill": shipment.waybill_number}, messages.SUCCESS)
            return redirect("admin:shipping_shipment_change", shipment.pk)
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/shipping/shipment/add_return.html", {
        **model_admin.admin_site.each_context(request), "opts": model_admin.opts, "form": form, "rma": rma,
        "blocked": blocked, "title": _("Create a return shipment"), "media": model_admin.media + form.media,
    })
