"""REST API of tracking events: `POST /api/v1/shipments/{number}/events/` — the ERP reports what happened to a
shipment (token scope `shipping:write`). The same events as a carrier's webhook (shipping/views/webhooks.py), named by
the shipment's number instead of (carrier, tracking code); stored raw with source `erp`, deduplicated by the ERP's
`event_id`, acknowledged at once and applied by Celery (shipping/services/tracking.py)."""
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from dealers.api.common import FORBIDDEN, INVALID, NOT_FOUND
from portal.api_auth import HasScope
from portal.models import ApiToken

from ..models import Shipment, TrackingStatus
from ..services import tracking


class TrackingEventInSerializer(serializers.Serializer):
    """One event (the schema; the service checks the body: shipping.services.tracking.parse_events)."""

    event_id = serializers.CharField(max_length=100, required=False,
                                     help_text="The sender's own id of the event: the same id again is stored once "
                                               "(a retry is safe). Strongly advised.")
    status = serializers.ChoiceField(choices=TrackingStatus.choices,
                                     help_text="The normalised status. pre_transit, available_for_pickup and exception "
                                               "are shown but move nothing; return_to_sender makes the shipment "
                                               "returned.")
    occurred_at = serializers.DateTimeField(help_text="When it happened (ISO 8601; without an offset: Europe/"
                                                      "Istanbul). An event older than one applied already is kept, "
                                                      "never moving the shipment back.")
    tracking_code = serializers.CharField(max_length=64, required=False, help_text="Which parcel, if known.")
    raw_code = serializers.CharField(max_length=60, required=False, help_text="The carrier's own status code.")
    message = serializers.CharField(max_length=500, required=False)
    location = serializers.CharField(max_length=200, required=False)
    signed_by = serializers.CharField(max_length=100, required=False, help_text="Who signed for a delivery.")


class TrackingEventsInSerializer(serializers.Serializer):
    events = TrackingEventInSerializer(many=True, help_text="Up to 500 events; or send one event as the body.")


ReceivedSerializer = inline_serializer("TrackingEventsReceived", fields={
    "received": serializers.IntegerField(help_text="Events stored now; they are applied in a moment."),
    "duplicates": serializers.IntegerField(help_text="Events whose event_id was received before: not stored again."),
})


class ShipmentEventsView(APIView):
    permission_classes = [HasScope(ApiToken.Scope.SHIPPING_WRITE, session_perm="shipping.add_shipment")]

    @extend_schema(
        summary="Report tracking events of a shipment (ERP)",
        description="One event, or `{\"events\": [...]}`. Stored at once (202) and applied right after: the "
                    "shipment moves forward to the event's status (never back: a late event is kept and shown), "
                    "its order follows and the dealer is mailed once per status (shipped, out for delivery, "
                    "delivered, delivery failed). An `event_id` sent before is acknowledged as a duplicate and not "
                    "stored again. 400 `shipping.bad_tracking_event` with `fields` naming the event and field "
                    "(`events[2].status`). Carriers send the same events to their signed webhook "
                    "`/shipping/webhooks/<carrier code>/` instead (README: Tracking).",
        request=TrackingEventsInSerializer,
        responses={202: ReceivedSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND,
                   401: OpenApiResponse(description="No or bad token.")})
    def post(self, request, number):
        shipment = Shipment.objects.select_related("carrier").filter(number=number).first()
        if shipment is None:
            raise Http404
        events = tracking.parse_events(request.data, tracking_code_required=False)
        received = tracking.receive_events(source=tracking.ERP_SOURCE, carrier=shipment.carrier, shipment=shipment,
                                           events=events)
        return Response({"received": received.stored, "duplicates": received.duplicates},
                        status=status.HTTP_202_ACCEPTED)
