"""A shipment's documents: the waybill PDF (`shipping:waybill`, for whom may see the shipment: the dealer's users, its
agents, staff) and the e-İrsaliye XML (`shipping:despatch_xml`, staff). Anyone else gets a 404: another dealer's
shipment does not exist for them."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import uploads

from ..errors import WaybillNotIssued
from ..models import Shipment
from ..permissions import may_export_despatch, may_see_shipment
from ..services import despatch_advice_xml, despatch_filename, ready_waybill


def shipment_for(user, number, *, allowed=may_see_shipment) -> Shipment:
    """The shipment `number` when `allowed(user, shipment)`; a 404 otherwise (also for another dealer's)."""
    shipment = Shipment.objects.select_related("dealer", "order").filter(number=number).first()
    if shipment is None or not allowed(user, shipment):
        raise Http404
    return shipment


def back_to(request, shipment) -> str:
    """Where a reader goes back to when the file is not there yet: the admin's shipment page for staff, the
    shipment's page for the dealer."""
    actor = getattr(request, "actor", None)
    if getattr(actor, "dealer", None) is None and request.user.is_staff:
        return reverse("admin:shipping_shipment_change", args=[shipment.pk])
    return reverse("shipping:shipment", args=[shipment.number])


@login_required
def waybill(request, number):
    """The waybill PDF of shipment `number`."""
    shipment = shipment_for(request.user, number)
    try:
        document = ready_waybill(shipment)
    except WaybillNotIssued as exc:
        messages.info(request, exc.message)
        return redirect(back_to(request, shipment))
    if document is None:
        messages.info(request, _("The waybill of shipment %(number)s is being prepared; try again in a moment.")
                      % {"number": shipment.number})
        return redirect(back_to(request, shipment))
    return uploads.file_response(document.file, filename=shipment.waybill_number, extension="pdf")


@login_required
def despatch_xml(request, number):
    """The e-İrsaliye (UBL-TR DespatchAdvice) XML of shipment `number`: staff only."""
    shipment = shipment_for(request.user, number, allowed=may_export_despatch)
    try:
        xml = despatch_advice_xml(shipment)
    except WaybillNotIssued as exc:
        messages.info(request, exc.message)
        return redirect(back_to(request, shipment))
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{despatch_filename(shipment)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
