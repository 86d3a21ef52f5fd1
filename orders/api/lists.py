"""Saved lists through the API: list, create, read (priced), rename, delete; add lines (by id/SKU or pasted text),
change or remove a line; put all or chosen lines into the cart. Another dealer's list answers 404."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..models import SavedList
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


class SavedListSerializer(serializers.ModelSerializer):
    line_count = serializers.IntegerField(read_only=True)
    created_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = SavedList
        fields = ["id", "name", "line_count", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class SavedListDetailSerializer(SavedListSerializer):
    lines = PricedLinesSerializer(source="priced", read_only=True,
                                  help_text="The lines priced for your company now, with totals.")

    class Meta(SavedListSerializer.Meta):
        fields = [*SavedListSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class SavedListCreateSerializer(ListNameSerializer):
    lines = CartLineInSerializer(many=True, required=False, max_length=1000,
                             help_text="Lines to start with (each checked like a cart line).")


class ListLinesInSerializer(serializers.Serializer):
    lines = CartLineInSerializer(many=True, required=False, max_length=1000)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                 help_text="Or lines of `SKU quantity`, as in quick order.")

    def validate(self, attrs):
        if not attrs.get("lines") and not (attrs.get("text") or "").strip():
            raise serializers.ValidationError({"lines": [_("Give lines or text.")]})
        return attrs


class ListToCartSerializer(serializers.Serializer):
    lines = serializers.ListField(child=serializers.IntegerField(), required=False, allow_empty=False,
                                  help_text="Ids of the list's lines; all lines when left out.")


class AddResultSerializer(serializers.Serializer):
    added = AddedLineSerializer(many=True)
    problems = LineProblemSerializer(many=True)


class SavedListViewSet(CartAccessMixin, viewsets.GenericViewSet):
    """Your company's saved lists (requisition lists), shared by its users."""

    serializer_class = SavedListSerializer
    queryset = SavedList.objects.none()
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SavedList.objects.none()
        return selectors.list_saved_lists(actor=self.actor)

    def _detail(self, saved_list, status_code=status.HTTP_200_OK):
        saved_list = self.get_queryset().get(pk=saved_list.pk)  # fresh name and line count
        saved_list.priced = selectors.get_saved_list_view(actor=self.actor, saved_list=saved_list)
        return Response(SavedListDetailSerializer(saved_list).data, status=status_code)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SavedListSerializer(page, many=True).data)

    @extend_schema(request=SavedListCreateSerializer,
                   responses={201: SavedListDetailSerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT})
    def create(self, request):
        data = SavedListCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved_list = services.create_saved_list(actor=self.actor, name=data.validated_data["name"])
        if data.validated_data.get("lines"):
            services.add_lines_to_list(actor=self.actor, saved_list=saved_list,
                                       lines=self._with_defaults(data.validated_data["lines"]))
        return self._detail(saved_list, status.HTTP_201_CREATED)

    def _with_defaults(self, items):
        lines = []
        for item in items:
            product = product_of(item)
            lines.append((product, item.get("quantity")))
        return lines

    @extend_schema(responses={200: SavedListDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    @extend_schema(description="Renames the list (names are unique per company, whatever their case: 409 "
                               "`orders.duplicate_list_name`).", request=ListNameSerializer,
                   responses={200: SavedListDetailSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND,
                              409: CONFLICT})
    def partial_update(self, request, pk=None):
        saved_list = self.get_object()
        data = ListNameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.rename_saved_list(actor=self.actor, saved_list=saved_list, name=data.validated_data["name"])
        return self._detail(saved_list)

    @extend_schema(responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    def destroy(self, request, pk=None):
        services.delete_saved_list(actor=self.actor, saved_list=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(description="Adds lines (a product already in the list grows). Each line is checked like a "
                               "cart line; refused lines come back in `problems` (400 `orders.nothing_added` "
                               "when none was added).",
                   request=ListLinesInSerializer,
                   responses={200: AddResultSerializer, 400: NOTHING_ADDED, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], url_path="lines")
    def add_lines(self, request, pk=None):
        saved_list = self.get_object()
        data = ListLinesInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added, problems = [], []
        if data.validated_data.get("lines"):
            added, problems = services.add_lines_to_list(actor=self.actor, saved_list=saved_list,
                                                         lines=self._with_defaults(data.validated_data["lines"]))
        if (data.validated_data.get("text") or "").strip():
            result = services.add_quick_order_to_list(actor=self.actor, saved_list=saved_list,
                                                text=data.validated_data["text"])
            added, problems = added + result.added, problems + result.problems
        if not added:
            return Response(nothing_added_body(problems), status=status.HTTP_400_BAD_REQUEST)
        return Response(AddResultSerializer({"added": added, "problems": problems}).data)

    @extend_schema(description="Puts all lines, or those named in `lines`, into your cart; each is checked again "
                               "(400 `orders.nothing_added` when none could be added).",
                   request=ListToCartSerializer,
                   responses={200: AddResultSerializer, 400: NOTHING_ADDED, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], url_path="to-cart")
    def to_cart(self, request, pk=None):
        saved_list = self.get_object()
        data = ListToCartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added, problems = services.add_list_to_cart(actor=self.actor, saved_list=saved_list,
                                                    line_ids=data.validated_data.get("lines"))
        if not added:
            return Response(nothing_added_body(problems), status=status.HTTP_400_BAD_REQUEST)
        return Response(AddResultSerializer({"added": added, "problems": problems}).data)


class SavedListLineView(CartAccessMixin, APIView):
    def _line(self, pk, line_pk):
        saved_list = selectors.get_saved_list(actor=self.actor, pk=pk)
        return saved_list, selectors.get_saved_list_line(actor=self.actor, saved_list=saved_list, pk=line_pk)

    @extend_schema(description="Sets a line's quantity (the same rule as the cart).", request=LineQuantitySerializer,
                   responses={200: PricedLinesSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND,
                              409: CONFLICT})
    def patch(self, request, pk, line_pk):
        saved_list, line = self._line(pk, line_pk)
        data = LineQuantitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_list_line_quantity(actor=self.actor, line=line, quantity=data.validated_data["quantity"])
        return Response(PricedLinesSerializer(selectors.get_saved_list_view(actor=self.actor,
                                                                            saved_list=saved_list)).data)

    @extend_schema(responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    def delete(self, request, pk, line_pk):
        _saved_list, line = self._line(pk, line_pk)
        services.remove_list_line(actor=self.actor, line=line)
        return Response(status=status.HTTP_204_NO_CONTENT)
