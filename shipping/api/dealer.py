"""The dealer's shipments through the REST API (a session, or a token with scope `account`; every role of an approved
dealer reads, agents acting for it too): GET /me/shipments/ (the page's filters), GET /me/shipments/{number}/ (lines,
parcels with their tracking links, who carries it, status and history, the delivery report), GET
/me/shipments/{number}/events/ (tracking events: applied, and kept but not applied), POST
/me/shipments/{number}/delivery/ (received, or received with problems: JSON, or multipart with photos). The same
selectors, permissions and service as the pages; another dealer's shipment is a 404 everywhere."""
import json

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.units import unit_name
from dealers.api import DealerAccountMixin
from dealers.api.common import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND
from portal.api_parsers import JSONParser

from .. import permissions, selectors
from ..errors import BadDeliveryReport
from ..models import EventState, ShipmentStatus
from ..services import is_reportable, report_delivery

STATUSES = ", ".join(ShipmentStatus.values)


# --- output ----------------------------------------------------------------------------------------------------------

class DealerShipmentCarrierSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DealerShipmentTruckSerializer(serializers.Serializer):
    driver_name = serializers.CharField()
    vehicle_plate = serializers.CharField()
    trailer_plate = serializers.CharField(help_text="Empty when the truck pulls no trailer.")


class DealerParcelSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3)
    tracking_url = serializers.SerializerMethodField(help_text="The carrier's tracking page; empty for the own truck.")

    def get_tracking_url(self, parcel) -> str:
        return parcel.tracking_url()


class DealerShipmentLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The shipment line's id: what a delivery problem names as `line`.")
    sku = serializers.CharField(source="order_line.sku")
    name = serializers.CharField(source="order_line.name")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    unit = serializers.CharField(source="order_line.unit",
                                 help_text="The unit's code: piece, box, pack, set, litre, kg, metre, m2.")
    unit_label = serializers.SerializerMethodField(help_text="The unit's name in the request's language.")

    def get_unit_label(self, line) -> str:
        return unit_name(line.order_line.unit)


class DealerShipmentSerializer(serializers.Serializer):
    number = serializers.CharField()
    order = serializers.CharField(source="order.number")
    kind = serializers.CharField(help_text="outbound (to you) or return (from you).")
    status = serializers.CharField(help_text=f"One of: {STATUSES}.")
    status_label = serializers.CharField(source="get_status_display", help_text="The status in your language.")
    carrier = DealerShipmentCarrierSerializer(allow_null=True, help_text="Null when our own truck carries it.")
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    waybill_number = serializers.CharField(allow_null=True)
    parcels = DealerParcelSerializer(many=True, source="parcels.all")


class DealerShipmentHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    from_status = serializers.CharField(help_text="Empty for the first row (the shipment was made).")
    status = serializers.CharField(source="to_status")
    status_label = serializers.CharField(source="get_to_status_display")


class DeliveryProblemOutSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="shipment_line_id")
    sku = serializers.CharField(source="shipment_line.order_line.sku")
    kind = serializers.CharField(help_text="damaged, missing, wrong_item or other.")
    kind_label = serializers.CharField(source="get_kind_display")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3)


class DeliveryReportOutSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="received or problems.")
    outcome_label = serializers.CharField(source="get_outcome_display")
    note = serializers.CharField()
    reported_by = serializers.CharField(allow_null=True)
    on_behalf = serializers.BooleanField(help_text="Reported by a sales agent for your company.")
    reported_at = serializers.DateTimeField()
    problems = DeliveryProblemOutSerializer(many=True, source="problems.all")
    photos = serializers.SerializerMethodField(
        help_text="Links to the photos: pages of the portal for a signed-in user (as invoices' PDF links are).")

    def get_photos(self, report) -> list[str]:
        request = self.context.get("request")
        urls = [reverse("shipping:delivery_photo", args=[photo.pk]) for photo in report.photos.all()]
        return [request.build_absolute_uri(url) if request is not None else url for url in urls]


class DealerShipmentDetailSerializer(DealerShipmentSerializer):
    truck = serializers.SerializerMethodField(help_text="Driver and plates when our own truck carries it, else null.")
    received_by = serializers.CharField(help_text="Who signed for the goods, as the carrier reported it.")
    waybill_url = serializers.SerializerMethodField(help_text="The waybill PDF, once the shipment has a waybill.")
    lines = DealerShipmentLineSerializer(many=True, source="lines.all")
    history = DealerShipmentHistorySerializer(many=True, source="history.all")
    delivery_report = serializers.SerializerMethodField(help_text="Your delivery report; null when none yet.")
    can_report_delivery = serializers.SerializerMethodField(
        help_text="Whether you may report its delivery now (POST …/delivery/).")

    @extend_schema_field(DealerShipmentTruckSerializer(allow_null=True))
    def get_truck(self, shipment):
        return None if shipment.carrier_id else DealerShipmentTruckSerializer(shipment).data

    def get_waybill_url(self, shipment) -> str | None:
        if not shipment.waybill_number:
            return None
        for name in ("api:me-shipment-waybill", "shipping:waybill"):
            try:
                url = reverse(name, args=[shipment.number])
            except NoReverseMatch:
                continue
            request = self.context.get("request")
            return request.build_absolute_uri(url) if request is not None else url
        return None

    @extend_schema_field(DeliveryReportOutSerializer(allow_null=True))
    def get_delivery_report(self, shipment):
        report = selectors.delivery_report_of(shipment=shipment)
        return DeliveryReportOutSerializer(report, context=self.context).data if report else None

    def get_can_report_delivery(self, shipment) -> bool:
        actor = self.context.get("actor")
        return bool(actor is not None and permissions.may_report_delivery(actor, shipment) and is_reportable(shipment))


class DealerShipmentEventSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    status = serializers.CharField(help_text="pre_transit, in_transit, out_for_delivery, delivered, delivery_failed, "
                                             "available_for_pickup, return_to_sender or exception.")
    status_label = serializers.CharField(source="get_status_display")
    tracking_code = serializers.CharField()
    location = serializers.CharField()
    message = serializers.CharField()
    applied = serializers.SerializerMethodField(
        help_text="False for an event kept but not applied (it came late or again: a shipment never moves back).")

    def get_applied(self, event) -> bool:
        return event.state == EventState.APPLIED


# --- input -----------------------------------------------------------------------------------------------------------

class DeliveryProblemInSerializer(serializers.Serializer):
    line = serializers.IntegerField(required=False, help_text="The shipment line's id (see `lines` of the shipment).")
    sku = serializers.CharField(required=False, max_length=64, help_text="Or the line's SKU, when it is once in the "
                                                                         "shipment.")
    kind = serializers.CharField(max_length=12, help_text="damaged, missing, wrong_item or other.")
    quantity = serializers.CharField(max_length=32, help_text='How much of the line, at most what it carried: "2", '
                                                              '"2.5" or "2,5".')


class DeliveryReportInSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=10, help_text="received, or problems (then `problems` and `note`).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="",
                                 help_text="What happened; required with problems.")
    problems = DeliveryProblemInSerializer(many=True, required=False, default=list, max_length=200)


class DeliveryReportMultipartSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=10, help_text="received, or problems.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    problems = serializers.CharField(required=False, allow_blank=True, default="",
                                     help_text="The problems as a JSON array, as in the JSON body.")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5,
                                   help_text="Up to 5 images (JPEG, PNG or WebP, told by their content), 5 MB each.")


# --- views -------------------------------------------------------------------------------------------------------------

FILTERS = [OpenApiParameter("status", str, description=f"One of: {STATUSES}."),
           OpenApiParameter("date_from", str, description="Shipped on or after (YYYY-MM-DD)."),
           OpenApiParameter("date_to", str, description="Shipped on or before (YYYY-MM-DD)."),
           OpenApiParameter("order", str, description="The order's number, or part of it."),
           OpenApiParameter("tracking", str, description="A parcel's tracking code (whole).")]


class ShipmentAccessMixin(DealerAccountMixin):
    def get_shipment(self, number):
        return selectors.get_shipment(actor=self.actor, number=number)


class ShipmentListView(ShipmentAccessMixin, APIView):
    pagination_class = PageNumberPagination  # the schema's page shape

    @extend_schema(description="Your company's shipments, newest first, with their parcels and tracking links. "
                               "Filters as on the shipments page.",
                   parameters=FILTERS, responses={200: DealerShipmentSerializer(many=True), 403: FORBIDDEN})
    def get(self, request):
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(selectors.list_shipments(actor=self.actor, filters=request.query_params),
                                           request, view=self)
        return paginator.get_paginated_response(DealerShipmentSerializer(rows, many=True).data)


class ShipmentDetailView(ShipmentAccessMixin, APIView):
    @extend_schema(description="One shipment: lines, parcels with tracking links, the carrier or our own truck "
                               "(driver and plates), status and its history, the waybill link, your delivery report. "
                               "Another company's shipment is a 404.",
                   responses={200: DealerShipmentDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, number):
        shipment = self.get_shipment(number)
        return Response(DealerShipmentDetailSerializer(shipment, context={"request": request, "actor": self.actor}).data)


class ShipmentEventsView(ShipmentAccessMixin, APIView):
    @extend_schema(description="The shipment's tracking events, oldest first: applied ones and those kept but not "
                               "applied (`applied: false`: a late or repeated event never moves a shipment back).",
                   responses={200: DealerShipmentEventSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, number):
        shipment = self.get_shipment(number)
        return Response(DealerShipmentEventSerializer(selectors.shipment_events(shipment=shipment), many=True).data)


def problems_of(shipment, rows) -> list[dict]:
    """The API's problems ({line or sku, kind, quantity}) as the service's ({line, kind, quantity})."""
    by_sku = {}
    for line in shipment.lines.all():
        by_sku.setdefault(line.order_line.sku.upper(), []).append(line.pk)
    found = []
    for row in rows:
        line = row.get("line")
        if line is None:
            matches = by_sku.get(str(row.get("sku") or "").strip().upper(), [])
            if len(matches) != 1:
                raise BadDeliveryReport(_("Name each problem's line by its id, or by a SKU the shipment carries "
                                          "once: %(sku)s") % {"sku": row.get("sku") or "—"}, field="problems")
            line = matches[0]
        found.append({"line": line, "kind": row.get("kind"), "quantity": row.get("quantity")})
    return found


class DeliveryReportView(ShipmentAccessMixin, APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        description="Report the shipment received (`outcome: received`), or received with problems (`outcome: "
                    "problems`, `problems` naming lines, kind and quantity, `note` saying what happened; photos only "
                    "as multipart/form-data, `problems` then a JSON array in a form field). A shipment still on its "
                    "way becomes delivered. 201 with the shipment. Refusals: 403 "
                    "`shipping.delivery_report_not_allowed` (viewers and finance users), 409 "
                    "`shipping.delivery_already_reported` and `shipping.delivery_not_reportable`, 400 "
                    "`shipping.bad_delivery_report` (a line not in the shipment, a quantity above what it carried, "
                    "problems without a note) and `shipping.bad_delivery_photo`.",
        request={"application/json": DeliveryReportInSerializer, "multipart/form-data": DeliveryReportMultipartSerializer},
        responses={201: DealerShipmentDetailSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT})
    def post(self, request, number):
        shipment = self.get_shipment(number)
        permissions.require_may_report_delivery(self.actor, shipment)  # a viewer's 403 before its body is read
        photos = []
        if request.content_type.startswith("multipart/") or request.content_type.startswith("application/x-www"):
            data = DeliveryReportMultipartSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            photos = request.FILES.getlist("photos")
            rows = []
            if values["problems"]:
                try:
                    parsed = json.loads(values["problems"])
                except ValueError:
                    parsed = None
                problems = DeliveryProblemInSerializer(data=parsed, many=True)
                if not isinstance(parsed, list) or not problems.is_valid():
                    raise BadDeliveryReport(_("Give the problems as a JSON array of line (or sku), kind and "
                                              "quantity."), field="problems")
                rows = problems.validated_data
        else:
            data = DeliveryReportInSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            rows = values["problems"]
        report_delivery(actor=self.actor, shipment=shipment, outcome=values["outcome"], note=values["note"],
                        problems=problems_of(shipment, rows), photos=photos)
        shipment = self.get_shipment(number)
        return Response(DealerShipmentDetailSerializer(shipment, context={"request": request, "actor": self.actor}).data,
                        status=status.HTTP_201_CREATED)
