"""The ERP ships orders through the REST API (issue 14, section 2): `POST /api/v1/shipments/` creates a shipment of an
order (lines by SKU or order line id, parcels, a carrier or the own truck, `ship` to move it to shipped at once) and
`POST /api/v1/shipments/{number}/parcels/` adds parcels while it is being prepared.

Who: a staff user's token with scope `shipping:write` (its user holds shipping.add_shipment), or staff holding that
permission in a session. Both POSTs take an optional `Idempotency-Key` header (portal/idempotency.py): the same key
answers the first response again. Everything is decided by the same services as the admin's add page
(services.create_shipment, add_parcels), under the order's lock: staff and the ERP shipping one order at the same
moment never ship more than was ordered. Errors are JSON `{code, detail, fields?}` with a `shipping.*` code."""
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.units import unit_name
from dealers.api.common import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND
from orders.models import Order
from portal.api_auth import HasScope
from portal.idempotency import idempotent
from portal.models import ApiToken

from ..errors import BadShipmentLine, CarrierOrTruck, UnknownCarrier, UnknownOrder
from ..models import Carrier, Parcel, Shipment, ShipmentLine
from ..services import add_parcels, create_shipment

SHIPPING_WRITE = ApiToken.Scope.SHIPPING_WRITE
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, location=OpenApiParameter.HEADER, required=False,
    description="Up to 255 characters, yours (token or user) for 24 hours. The same key with the same request "
                "answers the first response again (same status and body, header `Idempotent-Replayed: true`) instead "
                "of shipping twice; with another request 422 `idempotency_key_reused`; while the first still runs "
                "409 `idempotency_key_in_progress`.")


# --- input -----------------------------------------------------------------------------------------------------------

class ShipmentLineInSerializer(serializers.Serializer):
    line = serializers.IntegerField(required=False, help_text="The order line's id (or give `sku`).")
    sku = serializers.CharField(required=False, max_length=64,
                                help_text="The SKU of one of the order's lines, whatever its case (or give `line`).")
    quantity = serializers.CharField(max_length=32, help_text='What this shipment carries of the line: "2", "2.5".')

    def validate(self, data):
        if ("line" in data) == bool(data.get("sku")):
            raise serializers.ValidationError(_("Give the line's id or its SKU: one of the two."))
        return data


class ParcelInSerializer(serializers.Serializer):
    tracking_code = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                          help_text="The carrier's tracking code (needed with a carrier).")
    weight_kg = serializers.CharField(max_length=20, help_text='The weight in kg, e.g. "2.5".')


class TruckInSerializer(serializers.Serializer):
    driver_name = serializers.CharField(max_length=100)
    driver_national_id = serializers.CharField(max_length=20, help_text="T.C. Kimlik No: 11 digits, checked.")
    vehicle_plate = serializers.CharField(max_length=20, help_text='A Turkish plate, e.g. "34 ABC 123".')
    trailer_plate = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class ShipmentInSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=20, help_text="The order's number, e.g. ORD-2026-000123.")
    lines = ShipmentLineInSerializer(many=True, allow_empty=False, max_length=500)
    parcels = ParcelInSerializer(many=True, allow_empty=False, max_length=200)
    carrier = serializers.CharField(max_length=30, required=False, allow_blank=True, default="",
                                    help_text="A carrier's code (e.g. `yurtici`); or give `truck`.")
    truck = TruckInSerializer(required=False, help_text="The own truck's driver and plates; or give `carrier`.")
    ship = serializers.BooleanField(default=False, help_text="Move the shipment to `shipped` at once (the order "
                                                             "follows); default: it stays `preparing`.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ParcelsInSerializer(serializers.Serializer):
    parcels = ParcelInSerializer(many=True, allow_empty=False, max_length=200)


# --- output ----------------------------------------------------------------------------------------------------------

class CarrierOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TruckOutSerializer(serializers.Serializer):
    driver_name = serializers.CharField()
    vehicle_plate = serializers.CharField()
    trailer_plate = serializers.CharField()


class ShipmentLineOutSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="order_line_id", help_text="The order line's id.")
    sku = serializers.CharField(source="order_line.sku")
    name = serializers.CharField(source="order_line.name")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    unit = serializers.CharField(source="order_line.unit", help_text="The unit's code: piece, box, metre...")
    unit_label = serializers.SerializerMethodField(help_text="The unit's name in the request's language.")

    def get_unit_label(self, row) -> str:
        return unit_name(row.order_line.unit)


class ParcelOutSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3)
    tracking_url = serializers.SerializerMethodField(help_text="The carrier's tracking page; \"\" without one.")

    def get_tracking_url(self, parcel) -> str:
        return parcel.tracking_url()


class ErpShipmentSerializer(serializers.Serializer):
    number = serializers.CharField()
    order = serializers.CharField(source="order.number")
    dealer = serializers.CharField(source="dealer.code")
    kind = serializers.CharField(help_text="outbound (to the dealer) or return.")
    status = serializers.CharField(help_text="preparing, shipped, in_transit, out_for_delivery, delivered, "
                                             "delivery_failed, returned.")
    status_label = serializers.CharField(source="get_status_display",
                                         help_text="The status in the request's language.")
    carrier = serializers.SerializerMethodField()
    truck = serializers.SerializerMethodField()
    lines = ShipmentLineOutSerializer(many=True)
    parcels = ParcelOutSerializer(many=True)
    waybill_number = serializers.CharField(allow_null=True, help_text="IRS-… once the shipment has left.")
    created_at = serializers.DateTimeField()
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(CarrierOutSerializer(allow_null=True))
    def get_carrier(self, shipment):
        return CarrierOutSerializer(shipment.carrier).data if shipment.carrier_id else None

    @extend_schema_field(TruckOutSerializer(allow_null=True))
    def get_truck(self, shipment):
        return None if shipment.carrier_id else TruckOutSerializer(shipment).data


def _shipment(pk) -> Shipment:
    return (Shipment.objects.select_related("order", "dealer", "carrier")
            .prefetch_related(Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line")),
                              Prefetch("parcels", queryset=Parcel.objects.order_by("pk")))
            .get(pk=pk))


# --- resolving what the ERP named ------------------------------------------------------------------------------------

def order_lines(order, rows) -> dict:
    """{order line id: quantity as sent} from the ERP's rows, each naming one line of `order` by id or SKU (a SKU two
    lines share must be named by id); a line named twice is refused."""
    lines = list(order.lines.all())
    by_id = {line.pk: line for line in lines}
    wanted = {}
    for index, row in enumerate(rows):
        if "line" in row:
            line = by_id.get(row["line"])
            if line is None:
                raise BadShipmentLine(_("Line %(line)s is not a line of order %(number)s.")
                                      % {"line": row["line"], "number": order.number}, field=f"lines[{index}]")
        else:
            matches = [line for line in lines if line.sku.upper() == row["sku"].strip().upper()]
            if len(matches) != 1:
                raise BadShipmentLine(
                    (_("Order %(number)s has no line of %(sku)s.") if not matches else
                     _("Order %(number)s has several lines of %(sku)s: name the line by its id."))
                    % {"number": order.number, "sku": row["sku"]}, field=f"lines[{index}]")
            line = matches[0]
        if line.pk in wanted:
            raise BadShipmentLine(_("%(sku)s is named twice: one row per line.") % {"sku": line.sku},
                                  field=f"lines[{index}]")
        wanted[line.pk] = row["quantity"]
    return wanted


def carrier_of(code) -> Carrier:
    carrier = Carrier.objects.filter(code=code.strip(), active=True, own_truck=False).first()
    if carrier is None:
        raise UnknownCarrier(_("No active carrier has the code “%(code)s” (for the own truck give `truck`).")
                             % {"code": code}, field="carrier")
    return carrier


# --- views -----------------------------------------------------------------------------------------------------------

class ErpShippingMixin:
    permission_classes = [HasScope(SHIPPING_WRITE, session_perm="shipping.add_shipment")]


class ErpShipmentsView(ErpShippingMixin, APIView):
    """POST /shipments/: the ERP ships (part of) an order."""

    @extend_schema(
        operation_id="erp_create_shipment", request=ShipmentInSerializer, parameters=[IDEMPOTENCY_KEY],
        responses={201: ErpShipmentSerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT, 422: CONFLICT},
        description="Create a shipment of an order: quantities per line (a line by its id or its SKU; part of a "
                    "line is fine), one or more parcels (tracking code and weight in kg), by a carrier (`carrier`: "
                    "its code) or the own truck (`truck`: driver, national ID number, plate, trailer plate). With "
                    "`ship: true` it is moved to `shipped` at once and the order follows (partially shipped, "
                    "shipped); else it stays `preparing`. 201 with the shipment. 400: `invalid`, "
                    "`shipping.unknown_order`, `shipping.unknown_carrier`, `shipping.bad_shipment_line`, "
                    "`shipping.bad_parcel`, `shipping.carrier_or_truck`, `shipping.bad_national_id`, "
                    "`shipping.bad_plate`; 409: `shipping.over_shipped` (more than the line still has to ship, also "
                    "against a shipment made at the same moment), `shipping.order_not_shippable`, "
                    "`idempotency_key_in_progress`; 422: `idempotency_key_reused`.")
    @idempotent()
    def post(self, request):
        data = ShipmentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = Order.objects.filter(number=values["order"].strip()).first()
        if order is None:
            raise UnknownOrder(_("No order has the number “%(number)s”.") % {"number": values["order"]},
                               field="order")
        if values["carrier"] and values.get("truck"):
            raise CarrierOrTruck(_("Give a carrier or the own truck: one of the two."), field="carrier")
        shipment = create_shipment(
            actor=request.user, order=order, lines=order_lines(order, values["lines"]),
            parcels=[(row["tracking_code"], row["weight_kg"]) for row in values["parcels"]],
            carrier=carrier_of(values["carrier"]) if values["carrier"] else None, truck=values.get("truck"),
            note=values["note"], ship=values["ship"])
        return Response(ErpShipmentSerializer(_shipment(shipment.pk)).data, status=status.HTTP_201_CREATED)


class ErpShipmentParcelsView(ErpShippingMixin, APIView):
    """POST /shipments/{number}/parcels/: more parcels while the shipment is being prepared."""

    @extend_schema(
        operation_id="erp_add_parcels", request=ParcelsInSerializer, parameters=[IDEMPOTENCY_KEY],
        responses={201: ErpShipmentSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT,
                   422: CONFLICT},
        description="Add parcels (tracking code and weight in kg) to a shipment still being prepared: 201 with the "
                    "shipment and all its parcels. 400: `invalid`, `shipping.bad_parcel` (a carrier's parcel needs "
                    "its tracking code); 409: `shipping.parcels_closed` once the shipment has left; 404: no such "
                    "shipment.")
    @idempotent()
    def post(self, request, number):
        shipment = Shipment.objects.filter(number=number).first()
        if shipment is None:
            raise Http404
        data = ParcelsInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        add_parcels(actor=request.user, shipment=shipment,
                    parcels=[(row["tracking_code"], row["weight_kg"]) for row in data.validated_data["parcels"]])
        return Response(ErpShipmentSerializer(_shipment(shipment.pk)).data, status=status.HTTP_201_CREATED)
