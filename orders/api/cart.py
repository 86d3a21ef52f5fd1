"""The cart through the API: read it priced, add a line, change a quantity, remove a line, empty it; quick order;
save it as a list. The same services as the pages."""
from drf_spectacular.utils import OpenApiRequest, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api_parsers import JSONParser

from .. import selectors, services
from .common import (
    CONFLICT,
    FORBIDDEN,
    INVALID,
    NOT_FOUND,
    NOTHING_ADDED,
    AddedLineSerializer,
    CartAccessMixin,
    CartLineInSerializer,
    LineProblemSerializer,
    LineQuantitySerializer,
    ListNameSerializer,
    PricedLinesSerializer,
    nothing_added_body,
    product_of,
)
from .lists import SavedListSerializer


def cart_data(actor) -> dict:
    return PricedLinesSerializer(selectors.get_cart_view(actor=actor)).data


class CartView(CartAccessMixin, APIView):
    """Your cart for the dealer you act for, priced by the price engine now."""

    @extend_schema(description="Lines with the engine's prices and the rules behind them (`price.rules`), VAT and "
                               "totals; `problem` says why a line cannot be ordered as it is.",
                   responses={200: PricedLinesSerializer, 403: FORBIDDEN})
    def get(self, request):
        return Response(cart_data(self.actor))

    @extend_schema(description="Empties the cart.", responses={204: None, 403: FORBIDDEN})
    def delete(self, request):
        services.clear_cart(actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartLinesView(CartAccessMixin, APIView):
    @extend_schema(description="Adds a product (by `product` id or `sku`); a product already in the cart grows by "
                               "the quantity. Refusals: 400 (`catalog.unknown_sku`, `orders.unknown_product`, "
                               "`catalog.below_minimum`, `catalog.not_a_multiple`, `catalog.not_whole`, "
                               "`catalog.invalid_quantity`), 409 (`orders.product_unavailable`).",
                   request=CartLineInSerializer,
                   responses={201: PricedLinesSerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT})
    def post(self, request):
        data = CartLineInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = product_of(data.validated_data)
        quantity = data.validated_data.get("quantity")
        services.add_to_cart(actor=self.actor, product=product, quantity=quantity)
        return Response(cart_data(self.actor), status=status.HTTP_201_CREATED)


class CartLineView(CartAccessMixin, APIView):
    @extend_schema(description="Sets a line's quantity (the same rule as adding).", request=LineQuantitySerializer,
                   responses={200: PricedLinesSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND,
                              409: CONFLICT})
    def patch(self, request, pk):
        line = selectors.get_cart_line(actor=self.actor, pk=pk)
        data = LineQuantitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_cart_line_quantity(actor=self.actor, line=line, quantity=data.validated_data["quantity"])
        return Response(cart_data(self.actor))

    @extend_schema(responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    def delete(self, request, pk):
        line = selectors.get_cart_line(actor=self.actor, pk=pk)
        services.remove_cart_line(actor=self.actor, line=line)
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuickOrderInSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                 help_text="Lines of `SKU quantity`: tab, spaces, comma or semicolon between; "
                                           "`2,5` is 2.5 except after a comma separator. At most 1,000 lines.")


class QuickOrderUploadSerializer(QuickOrderInSerializer):
    file = serializers.FileField(required=False, help_text="CSV (UTF-8) or XLSX: column A the SKU, B the quantity, "
                                                           "or columns headed SKU and Quantity. At most 2 MB.")


class QuickOrderOutSerializer(serializers.Serializer):
    added = AddedLineSerializer(many=True)
    problems = LineProblemSerializer(many=True)
    cart = PricedLinesSerializer()


class QuickOrderView(CartAccessMixin, APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        description="Adds every good line to the cart and reports every other by line number (unknown SKU, product "
                    "no longer sold, bad quantity). 200 when at least one line was added (`problems` may still "
                    "list refused lines); 400 `orders.nothing_added` when none was.",
        request={"application/json": OpenApiRequest(QuickOrderInSerializer),
                 "multipart/form-data": OpenApiRequest(QuickOrderUploadSerializer)},
        responses={200: QuickOrderOutSerializer, 400: NOTHING_ADDED, 403: FORBIDDEN})
    def post(self, request):
        data = QuickOrderUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.add_quick_order(actor=self.actor, text=data.validated_data.get("text"),
                                      upload=data.validated_data.get("file"))
        if not result.added:
            return Response(nothing_added_body(result.problems), status=status.HTTP_400_BAD_REQUEST)
        return Response(QuickOrderOutSerializer({"added": result.added, "problems": result.problems,
                                                 "cart": selectors.get_cart_view(actor=self.actor)}).data)


class SaveCartAsListView(CartAccessMixin, APIView):
    @extend_schema(description="A new saved list holding the cart's lines (the cart stays). 409 "
                               "`orders.duplicate_list_name`; 400 `orders.no_lines` (empty cart).",
                   request=ListNameSerializer,
                   responses={201: SavedListSerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT})
    def post(self, request):
        data = ListNameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved_list = services.save_cart_as_list(actor=self.actor, name=data.validated_data["name"])
        saved_list.line_count = saved_list.lines.count()
        return Response(SavedListSerializer(saved_list).data, status=status.HTTP_201_CREATED)
