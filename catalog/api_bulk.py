"""REST API for ERP integrations: bulk upsert of products, prices and stock (≤ 5,000 rows per call).

The same validation and upsert as the file import (catalog.imports.service): all-or-nothing, every bad
row reported, repeating a call changes nothing. Mounted under /api/v1/ by portal/api_urls.py.
"""
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api_auth import HasScope

from .imports.schema import COLUMNS, PRICES, PRODUCTS, STOCK
from .imports.service import import_rows
from .permissions import IMPORT_PERMISSION

MAX_ROWS = 5000
SCOPE = "catalog:write"


class BulkRowsSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.DictField(), allow_empty=False, max_length=MAX_ROWS,
        error_messages={"max_length": _("At most {max_length} rows per request; split them into several calls.")},
    )


CountsSerializer = inline_serializer("BulkImportCounts", fields={
    "kind": serializers.CharField(),
    "total": serializers.IntegerField(),
    "created": serializers.IntegerField(),
    "updated": serializers.IntegerField(),
    "unchanged": serializers.IntegerField(),
})
RowErrorsSerializer = inline_serializer("BulkImportErrors", fields={
    "code": serializers.CharField(help_text="`catalog.import_invalid`"),
    "detail": serializers.CharField(),
    "errors": inline_serializer("BulkImportRowError", fields={
        "row": serializers.IntegerField(help_text="1 = the first object in `rows`."),
        "column": serializers.CharField(),
        "message": serializers.CharField(),
    }, many=True),
})


class _BulkView(APIView):
    kind = None
    permission_classes = [HasScope(SCOPE, session_perm=IMPORT_PERMISSION)]

    def post(self, request):
        data = BulkRowsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = import_rows(kind=self.kind, rows=data.validated_data["rows"], actor=request.user)
        body = result.as_dict()
        body.pop("errors", None)
        return Response(body)


def _describe(kind):
    cols = ", ".join(f"`{c.name}`{' (required)' if c.required else ''}" for c in COLUMNS[kind])
    return (f"Scope `{SCOPE}`. Body `{{\"rows\": [...]}}`, at most {MAX_ROWS} objects with the columns of the "
            f"{kind} file: {cols}. All or nothing; a key left out keeps the stored value. See docs/import.md.")


def _schema(kind):
    return extend_schema(request=BulkRowsSerializer, description=_describe(kind), responses={
        200: CountsSerializer,
        400: OpenApiResponse(RowErrorsSerializer, description="Some rows are invalid; nothing was written."),
    })


class BulkProductsView(_BulkView):
    kind = PRODUCTS

    @_schema(PRODUCTS)
    def post(self, request):
        return super().post(request)


class BulkPricesView(_BulkView):
    kind = PRICES

    @_schema(PRICES)
    def post(self, request):
        return super().post(request)


class BulkStockView(_BulkView):
    kind = STOCK

    @_schema(STOCK)
    def post(self, request):
        return super().post(request)


urlpatterns = [
    path("bulk/products/", BulkProductsView.as_view(), name="bulk-products"),
    path("bulk/prices/", BulkPricesView.as_view(), name="bulk-prices"),
    path("bulk/stock/", BulkStockView.as_view(), name="bulk-stock"),
]
