"""Orders through the API: place (from the cart or from lines) with an `Idempotency-Key`, list with the page's
filters, read one, approve or reject, change quantities, cancel, ask for a return. The same services as the pages."""
import copy
import functools

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.units import unit_name
from dealers.api import DealerAccountMixin
from portal.idempotency import idempotent

from .. import permissions as order_permissions
from .. import selectors
from ..models import Order, OrderLine, OrderStatus, PaymentMethod, ReturnRequest, ShippingMethod
from ..services import changes, ordering, returns
from ..services.payment_options import payment_options
from .common import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND, CartLineInSerializer, QuantityField, products_of

IDEMPOTENCY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                               description="Up to 255 characters, yours (token or user) for 24 hours. The same key "
                                           "with the same request answers the first response again (same status "
                                           "and body, header `Idempotent-Replayed: true`); with another request "
                                           "422 `idempotency_key_reused`; while the first still runs 409 "
                                           "`idempotency_key_in_progress`.")


class OrderLineSerializer(serializers.ModelSerializer):
    line_gross = serializers.DecimalField(max_digits=14, decimal_places=2)
    unit = serializers.CharField(help_text="The unit's code: piece, box, pack, set, litre, kg, metre, m2.")
    unit_label = serializers.SerializerMethodField(help_text="The unit's name in the request's language.")

    class Meta:
        model = OrderLine
        fields = ["id", "sku", "name", "unit", "unit_label", "quantity", "unit_price", "market_price", "vat_rate", "line_net",
                  "line_vat", "line_gross", "returned_quantity", "rules"]


    def get_unit_label(self, line) -> str:
        return unit_name(line.unit)


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    status = serializers.CharField(source="to_status")
    sub_status = serializers.SerializerMethodField()
    by = serializers.CharField(allow_null=True)
    on_behalf = serializers.BooleanField()
    note = serializers.CharField(source="dealer_note")

    def get_sub_status(self, change) -> str | None:
        return change.sub_status.label() if change.sub_status else None


class OrderSerializer(serializers.ModelSerializer):
    placed_by = serializers.CharField()
    shipping_label = serializers.CharField(source="shipping_method_name", read_only=True,
                                           help_text="The shipping method's name in the request's language.")
    sub_status = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["number", "status", "sub_status", "placed_by", "on_behalf", "po_number", "quote_number",
                  "shipping_method", "shipping_label", "shipping_net", "shipping_vat_rate", "shipping_vat",
                  "shipping_insured", "shipping_insurance_net", "payment_method", "installments",
                  "requested_delivery_date", "notes", "currency",
                  "total_net",
                  "total_vat", "total_gross", "created_at"]

    def get_sub_status(self, order) -> str | None:
        return order.sub_status.label() if order.sub_status and order.sub_status.visible_to_dealer else None


class OrderDetailSerializer(OrderSerializer):
    lines = OrderLineSerializer(many=True)
    history = serializers.SerializerMethodField()
    shipping_address = serializers.CharField()
    billing_address = serializers.CharField()

    class Meta(OrderSerializer.Meta):
        fields = OrderSerializer.Meta.fields + ["lines", "history", "shipping_address", "billing_address"]

    def get_history(self, order) -> list:
        return _history_serializer().to_representation(selectors.dealer_history(order=order))


def placed_order_body(order, lines, history) -> dict:
    """The answer to placing `order`, the same as GET /me/orders/{number}/ right after, from what the service wrote
    (ordering.placed_parts: its lines and history) instead of reading the order back."""
    order._prefetched_objects_cache = {"lines": lines, "history": history}
    return _detail_serializer().to_representation(order)


@functools.cache
def _history_serializer() -> serializers.ListSerializer:
    """HistorySerializer(many=True), its fields built once per process (see _detail_serializer)."""
    serializer = HistorySerializer(many=True)
    serializer.child.fields  # noqa: B018
    return serializer


@functools.cache
def _detail_serializer() -> OrderDetailSerializer:
    """One OrderDetailSerializer per process with its fields built (DRF builds a ModelSerializer's fields from the
    model on every instance: 2 ms of an order's answer). Its to_representation keeps no state: the reader's
    language and time zone are read while it writes each value."""
    serializer = OrderDetailSerializer()
    serializer.fields  # noqa: B018  (built now, once)
    return serializer


class OrderLineInSerializer(CartLineInSerializer):
    """A cart line's fields, with the quantity required."""

    quantity = QuantityField(help_text="Obeys the minimum, the multiples and whole units.")


class PlaceOrderSerializer(serializers.Serializer):
    lines = OrderLineInSerializer(many=True, required=False,
                                  help_text="The lines to order; leave out to order your cart (which is then emptied).")
    shipping_address = serializers.IntegerField(required=False, help_text="Default: the default shipping address.")
    new_shipping_address = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, allow_null=True, default=None,
        help_text="A one-off delivery address instead: contact_name, phone, line1, line2, district, city, "
                  "postal_code, country (line1 and city required). Not saved in the address book.")
    billing_address = serializers.IntegerField(required=False, help_text="Default: the default billing address.")
    shipping_method = serializers.CharField(
        max_length=40, default=ShippingMethod.STANDARD,
        help_text="A shipping method's code (POST /api/v1/me/shipping/quote/ prices them); its charge is fixed on "
                  "the order and is in its totals.")
    shipping_charge_seen = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None,
        help_text="The shipping charge (gross) you were quoted: the order is refused (409 "
                  "orders.shipping_charge_changed) when the method now costs otherwise.")
    insured = serializers.BooleanField(
        default=False, help_text="Cargo insurance with the shipping method (its premium is in the shipping charge); a "
                                 "method that offers none refuses it (400 shipping.insurance_not_offered).")
    payment_method = serializers.ChoiceField(PaymentMethod.choices, default=PaymentMethod.ON_ACCOUNT)
    installments = serializers.IntegerField(
        default=1, help_text="1, or an installment plan offered for the method (GET /api/v1/me/payment-options/); "
                             "its adjustment is in the prices.")
    po_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    requested_delivery_date = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def get_fields(self):
        """The declared fields copied, not deep-copied as DRF does for every instance (it runs each field's
        constructor again, the lines' nested fields included: 0.2 ms of every API order). A field keeps nothing of a
        request (values and errors are what validation returns) and none of these reads the context."""
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ChangeSerializer(serializers.Serializer):
    lines = serializers.DictField(child=QuantityField(), help_text="{line id: new quantity}; 0 removes a line.")


class ReturnInSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    quantity = QuantityField()
    reason = serializers.CharField(max_length=2000)


class ReturnSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.number")
    sku = serializers.CharField(source="line.sku")

    class Meta:
        model = ReturnRequest
        fields = ["number", "order", "sku", "quantity", "reason", "status", "decision_note", "created_at"]


class OrderAccessMixin(DealerAccountMixin):
    def get_order(self, number) -> Order:
        return selectors.get_order(actor=self.actor, number=number)


class OrderPagination(PageNumberPagination):
    page_size = 25


class OrdersView(OrderAccessMixin, APIView):
    pagination_class = OrderPagination  # the schema's page shape
    @extend_schema(parameters=[OpenApiParameter(name, str, required=False) for name in selectors.ORDER_FILTERS],
                   responses={200: OrderSerializer(many=True), 403: FORBIDDEN})
    def get(self, request):
        filters = {name: request.query_params.get(name) for name in selectors.ORDER_FILTERS}
        paginator = OrderPagination()
        page = paginator.paginate_queryset(selectors.list_orders(actor=self.actor, filters=filters), request, view=self)
        return paginator.get_paginated_response(OrderSerializer(page, many=True).data)

    @extend_schema(request=PlaceOrderSerializer, parameters=[IDEMPOTENCY],
                   responses={201: OrderDetailSerializer, 200: OrderDetailSerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT,
                              422: CONFLICT},
                   description="Places an order (201); the same `Idempotency-Key` again answers that first response "
                               "(a request that finds the order its key placed answers 200). "
                               "A buyer's order above its limit waits for approval (`pending_approval`). "
                               "Refusals: `catalog.out_of_stock` (409), `orders.unpriced_product` (409), quantity "
                               "rules (400).")
    @idempotent()
    def post(self, request):
        self.require(order_permissions.can_place_orders(self.actor))
        data = PlaceOrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        lines = values.pop("lines", None)
        checkout = ordering.Checkout(**values)
        key = request.idempotency_key  # one per claimed Idempotency-Key (portal/idempotency.py)
        new = request.idempotency_key_is_new  # claimed just now: no order can carry it yet
        if lines is None:
            order, created = ordering.checkout_cart_or_find(actor=self.actor, checkout=checkout, idempotency_key=key,
                                                            key_is_new=new)
        else:
            order, created = ordering.place_order_or_find(
                actor=self.actor, checkout=checkout, idempotency_key=key, key_is_new=new,
                lines=list(zip(products_of(lines), [line["quantity"] for line in lines], strict=True)))
        # The service says whether this request placed the order: a retry that found it (in parallel too) is 200.
        # A placed order is answered from what was written; a found one is read.
        parts = ordering.placed_parts(order) if created else None
        body = placed_order_body(order, *parts) if parts else OrderDetailSerializer(self.get_order(order.number)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PaymentOptionSerializer(serializers.Serializer):
    method = serializers.CharField()
    installments = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Pricing's adjustment in percent.")
    label = serializers.CharField()
    unavailable = serializers.CharField(help_text="Why the dealer cannot choose it now (e.g. no credit limit yet); "
                                                  "empty when it can.")


class PaymentOptionsView(OrderAccessMixin, APIView):
    @extend_schema(responses={200: PaymentOptionSerializer(many=True), 403: FORBIDDEN},
                   description="The payment methods and installment plans the dealer may choose when placing an "
                               "order.")
    def get(self, request):
        self.require(order_permissions.can_place_orders(self.actor))
        return Response(PaymentOptionSerializer(payment_options(self.actor.dealer), many=True).data)


class OrderView(OrderAccessMixin, APIView):
    @extend_schema(responses={200: OrderDetailSerializer, 404: NOT_FOUND})
    def get(self, request, number):
        return Response(OrderDetailSerializer(self.get_order(number)).data)


class OrderActionView(OrderAccessMixin, APIView):
    """POST /me/orders/{number}/{action}/ with action approve, reject, cancel or change."""

    @extend_schema(request=NoteSerializer, responses={200: OrderDetailSerializer, 400: INVALID, 403: FORBIDDEN,
                                                      404: NOT_FOUND, 409: CONFLICT})
    def post(self, request, number, action):
        order = self.get_order(number)
        if action == "change":
            data = ChangeSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            quantities = data.validated_data["lines"]
            changes.change_order_quantities(actor=self.actor, order=order, quantities=quantities)
        else:
            data = NoteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            note = data.validated_data["note"]
            act = {"approve": ordering.approve_order, "reject": ordering.reject_order,
                   "cancel": changes.cancel_order}.get(action)
            if act is None:
                raise Http404
            act(actor=self.actor, order=order, note=note)
        return Response(OrderDetailSerializer(self.get_order(number)).data)


class OrderReturnsView(OrderAccessMixin, APIView):
    @extend_schema(responses={200: ReturnSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, number):
        order = self.get_order(number)
        return Response(ReturnSerializer(selectors.list_returns(actor=self.actor, order=order), many=True).data)

    @extend_schema(request=ReturnInSerializer, responses={201: ReturnSerializer, 400: INVALID, 404: NOT_FOUND,
                                                          409: CONFLICT})
    def post(self, request, number):
        order = self.get_order(number)
        data = ReturnInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = selectors.get_order_line(actor=self.actor, order=order, pk=data.validated_data["line"])
        rma = returns.request_return(actor=self.actor, line=line, quantity=data.validated_data["quantity"],
                                     reason=data.validated_data["reason"])
        return Response(ReturnSerializer(rma).data, status=status.HTTP_201_CREATED)


__all__ = ["OrdersView", "OrderView", "OrderActionView", "OrderReturnsView", "OrderStatus", "PaymentOptionsView"]
