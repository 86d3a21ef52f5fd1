"""REST API of a shipment's documents: the dealer's waybill PDF (`GET /api/v1/me/shipments/{number}/waybill/`) and
the ERP's e-İrsaliye XML (`GET /api/v1/shipments/{number}/e-irsaliye/`, scope shipping:write).

The PDF is rendered by a worker after the shipment leaves: until it is ready the answer is 202 with
`{"code": "shipping.waybill_being_prepared", "detail": ...}` and a `Retry-After` header (ask again); before the
shipment leaves there is no waybill yet: 409 `shipping.waybill_not_issued`. Another dealer's shipment is a 404."""
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from dealers.api import DealerAccountMixin
from dealers.api.common import CONFLICT, FORBIDDEN, NOT_FOUND
from portal import uploads
from portal.api_auth import HasScope
from portal.models import ApiToken

from ..models import Shipment
from ..permissions import may_export_despatch, may_see_shipment
from ..services import despatch_advice_xml, despatch_filename, ready_waybill

RETRY_AFTER_SECONDS = 5


class _FileRenderer(BaseRenderer):
    """Lets a client ask for the file by its type (`Accept: application/pdf`); the view answers the file itself, and
    an error still comes as JSON (finalize_response)."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PDFRenderer(_FileRenderer):
    media_type, format = "application/pdf", "pdf"


class XMLRenderer(_FileRenderer):
    media_type, format = "application/xml", "xml"


class FileAnswerMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and isinstance(getattr(response, "accepted_renderer", None), _FileRenderer):
            response.accepted_renderer, response.accepted_media_type = JSONRenderer(), "application/json"
        return response


BEING_PREPARED = OpenApiResponse(inline_serializer("WaybillBeingPrepared", fields={
    "code": serializers.CharField(help_text="`shipping.waybill_being_prepared`"),
    "detail": serializers.CharField()}), description="The PDF is being rendered: ask again after `Retry-After` "
                                                     "seconds.")


class DealerWaybillView(FileAnswerMixin, DealerAccountMixin, APIView):
    """GET /me/shipments/{number}/waybill/: the waybill PDF of one of your shipments."""

    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 202: BEING_PREPARED, 403: FORBIDDEN,
                   404: NOT_FOUND, 409: CONFLICT},
        description="The waybill (irsaliye) PDF of one of your shipments, in your company's language. 202 while it is "
                    "being rendered (ask again after `Retry-After` seconds); 409 `shipping.waybill_not_issued` before "
                    "the shipment leaves. Another dealer's shipment is a 404.")
    def get(self, request, number):
        shipment = Shipment.objects.filter(number=number, dealer=self.actor.dealer).first()
        if shipment is None or not may_see_shipment(self.actor, shipment):
            raise Http404
        document = ready_waybill(shipment)
        if document is None:
            response = Response({"code": "shipping.waybill_being_prepared", "detail": _(
                "The waybill of shipment %(number)s is being prepared; try again in a moment.")
                % {"number": shipment.number}}, status=202)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return uploads.file_response(document.file, filename=shipment.waybill_number, extension="pdf")


class DespatchAdviceView(FileAnswerMixin, APIView):
    """GET /shipments/{number}/e-irsaliye/: the ERP takes a shipment's e-İrsaliye to its GİB integrator."""

    permission_classes = [HasScope(ApiToken.Scope.SHIPPING_WRITE, session_perm="shipping.add_shipment")]
    renderer_classes = [JSONRenderer, XMLRenderer]

    @extend_schema(
        responses={(200, "application/xml"): OpenApiTypes.BINARY, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        description="The shipment's e-İrsaliye: a UBL-TR 1.2.1 DespatchAdvice (profile TEMELIRSALIYE, type SEVK), "
                    "unsigned, for the GİB integrator to sign and send. Its ID is the waybill number in GİB's 16 "
                    "characters (IRS-2026-000123 → IRS2026000000123), its UUID the same at every call. 409 "
                    "`shipping.waybill_not_issued` before the shipment leaves.")
    def get(self, request, number):
        shipment = Shipment.objects.select_related("dealer").filter(number=number).first()
        if shipment is None or not may_export_despatch(request.user, shipment):
            raise Http404
        response = HttpResponse(despatch_advice_xml(shipment), content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{despatch_filename(shipment)}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
