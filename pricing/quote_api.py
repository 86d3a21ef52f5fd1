"""Quotes through the REST API (/api/v1/me/quotes/): list, detail with revisions and PDF links, request, accept (with
an optional Idempotency-Key header), reject with a reason. The same selectors and services as the pages; another
dealer's quote answers 404, an expired or already accepted quote 409."""
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import skus as sku_lines
from catalog.errors import unknown_skus
from dealers.api import DealerAccountMixin
from dealers.api.common import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND
from portal.idempotency import idempotent

from . import permissions, quote_selectors, services
from .engine import format_quantity
from .models import QuoteStatus

STATUS_PARAM = OpenApiParameter("status", str, enum=[*QuoteStatus.values, "open"],
                                description="A status, or `open` (requested, in preparation, sent).")
IDEMPOTENCY_KEY = OpenApiParameter("Idempotency-Key", str, location=OpenApiParameter.HEADER, required=False,
                                   description="Up to 255 characters, yours (token or user) for 24 hours. Repeating "
                                               "an acceptance with the same key answers the first response again "
                                               "(same status and body, header `Idempotent-Replayed: true`); the same "
                                               "key on another request is 422 `idempotency_key_reused`, and while "
                                               "the first still runs 409 `idempotency_key_in_progress`.")


# --- output ---------------------------------------------------------------------------------------------------------

class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    sent_at = serializers.DateTimeField()
    valid_until = serializers.CharField(allow_null=True)
    currency = serializers.CharField(source="snapshot.currency")
    header = serializers.DictField(source="snapshot.header",
                                   help_text="quote_date, delivery_date, payment_method, delivery_method, "
                                             "valid_until, terms, notes (as sent).")
    lines = serializers.ListField(source="snapshot.lines", child=serializers.DictField(),
                                  help_text="sku, name, quantity, unit, list_price, discount_percent, "
                                            "net_unit_price, line_net, vat_rate, vat (amounts as strings).")
    totals = serializers.DictField(source="snapshot.totals",
                                   help_text="net, vat, gross (the goods and the shipping charge), list_net, discount.")
    shipping = serializers.SerializerMethodField(
        help_text="The delivery method and its charge as quoted (kept by the order when accepted): method (code), "
                  "name (in your language), net, vat_rate, vat, gross, insured, insurance_net (cargo insurance's "
                  "premium, part of net). Null for a revision sent before quotes carried a charge.")
    pdf_status = serializers.SerializerMethodField(help_text="`pending`, `ready` or `failed`.")
    pdf_url = serializers.SerializerMethodField(help_text="Download link (only when `pdf_status` is `ready`).")

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_shipping(self, revision) -> dict | None:
        from .hooks import method_name

        shipping = revision.snapshot.get("shipping")
        if not shipping:
            return None
        return {"method": shipping.get("method") or "",
                "name": method_name(shipping.get("method"), label=shipping.get("label") or ""),
                **{key: shipping.get(key) for key in ("net", "vat_rate", "vat", "gross", "insured", "insurance_net")}}

    def get_pdf_status(self, revision) -> str:
        return revision.document.status if revision.document is not None else "pending"

    def get_pdf_url(self, revision) -> str | None:
        if revision.document is None or revision.document.status != "ready":
            return None
        url = reverse("quotes:revision_pdf", args=[revision.quote.number, revision.number])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class QuoteSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    revision = serializers.IntegerField(help_text="The last revision sent (0: none yet).")
    created_at = serializers.DateTimeField()
    valid_until = serializers.DateField(allow_null=True)
    currency = serializers.CharField()
    total_gross = serializers.SerializerMethodField(help_text="Total incl. VAT of the last revision sent.")
    order_number = serializers.CharField(help_text="The order made when the quote was accepted.")
    placed_by = serializers.StringRelatedField()
    placed_on_behalf = serializers.BooleanField(source="is_placed_on_behalf")

    def get_total_gross(self, quote) -> str | None:
        revisions = getattr(quote, "revision_list", None) or []
        return revisions[0].totals.get("gross") if revisions else None


class RequestedLineSerializer(serializers.Serializer):
    sku = serializers.CharField(source="product.sku")
    name = serializers.CharField(source="product.name")
    quantity = serializers.SerializerMethodField()
    unit = serializers.CharField(source="product.unit")

    def get_quantity(self, line) -> str:
        return format_quantity(line.quantity)


class HistorySerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")
    by = serializers.StringRelatedField()
    on_behalf = serializers.BooleanField()
    note = serializers.CharField()


class QuoteDetailSerializer(QuoteSerializer):
    request_note = serializers.CharField()
    requested_delivery_date = serializers.DateField(allow_null=True)
    requested_lines = serializers.SerializerMethodField(help_text="What was asked for (quantities only).")
    revisions = RevisionSerializer(source="revision_list", many=True, help_text="Newest first.")
    rejection_reason = serializers.CharField()
    history = HistorySerializer(source="status_changes", many=True)

    def get_requested_lines(self, quote) -> list[dict]:
        return RequestedLineSerializer(quote.lines.all(), many=True).data


# --- input ----------------------------------------------------------------------------------------------------------

class QuoteLineInSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.CharField(max_length=32, required=False,
                                     help_text="Default: the product's minimum order quantity. Obeys the minimum, "
                                               "the multiples and whole units.")


class QuoteRequestInSerializer(serializers.Serializer):
    lines = QuoteLineInSerializer(many=True, allow_empty=False, max_length=500)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    requested_delivery_date = serializers.DateField(required=False, allow_null=True)


class RejectInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- views ----------------------------------------------------------------------------------------------------------

class QuoteAccessMixin(DealerAccountMixin):
    """A dealer user (session, or a token with scope `account`) whose role may see quotes, or an agent acting for a
    dealer (session)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.require(permissions.can_see_quotes(self.actor))

    def detail_data(self, number):
        quote = quote_selectors.get_quote(actor=self.actor, number=number)
        return QuoteDetailSerializer(quote, context={"request": self.request}).data


class QuoteListView(QuoteAccessMixin, APIView):
    pagination_class = PageNumberPagination  # the schema's page shape
    @extend_schema(description="Your company's quotes, newest first.", parameters=[STATUS_PARAM],
                   responses={200: QuoteSerializer(many=True), 403: FORBIDDEN})
    def get(self, request):
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(
            quote_selectors.list_quotes(actor=self.actor, filters={
                "status": request.query_params.get("status", ""), "q": request.query_params.get("q", "")}),
            request, view=self)
        return paginator.get_paginated_response(QuoteSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(description="Ask for a quote. Refusals: 400 (`catalog.unknown_sku`, `catalog.below_minimum`, "
                               "`catalog.not_a_multiple`, `catalog.not_whole`, `catalog.invalid_quantity`, "
                               "`pricing.quote_invalid_header`), 409 (`pricing.product_unavailable`).",
                   request=QuoteRequestInSerializer,
                   responses={201: QuoteDetailSerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT})
    def post(self, request):
        self.require(permissions.can_request_quote(self.actor))
        data = QuoteRequestInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = data.validated_data["lines"]
        found = sku_lines.find_products([line["sku"] for line in wanted],
                                        fields=["id", "sku", "active", "unit", "min_order_quantity", "order_multiple"])
        unknown = [line["sku"] for line in wanted if line["sku"].strip().upper() not in found]
        if unknown:
            raise unknown_skus(unknown)
        lines = []
        for line in wanted:
            product = found[line["sku"].strip().upper()]
            lines.append((product, line.get("quantity") or product.min_order_quantity))
        quote = services.request_quote(actor=self.actor, lines=lines, note=data.validated_data.get("note", ""),
                                       requested_delivery_date=data.validated_data.get("requested_delivery_date"))
        return Response(self.detail_data(quote.number), status=status.HTTP_201_CREATED)


class QuoteDetailView(QuoteAccessMixin, APIView):
    @extend_schema(description="A quote with its revisions as sent (newest first, each with its PDF link) and its "
                               "history.", responses={200: QuoteDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, number):
        return Response(self.detail_data(number))


class QuoteAcceptView(QuoteAccessMixin, APIView):
    @extend_schema(description="Accept the last revision sent: an order is made at its prices (`order_number`). "
                               "Only roles that may order. 409: `pricing.quote_expired`, "
                               "`pricing.quote_already_accepted` (another acceptance came first; repeat your own "
                               "with the same Idempotency-Key to get its answer again), `pricing.quote_invalid_status`, "
                               "`pricing.ordering_unavailable`.",
                   request=None, parameters=[IDEMPOTENCY_KEY],
                   responses={200: QuoteDetailSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND,
                              409: CONFLICT, 422: CONFLICT})
    @idempotent()
    def post(self, request, number):
        self.require(permissions.can_decide_quote(self.actor))
        quote = quote_selectors.get_quote(actor=self.actor, number=number)
        # One service key per claimed Idempotency-Key (portal/idempotency.py); the quote keeps it.
        services.accept_quote(actor=self.actor, quote=quote, idempotency_key=request.idempotency_key)
        return Response(self.detail_data(number))


class QuoteRejectView(QuoteAccessMixin, APIView):
    @extend_schema(description="Reject the last revision sent, with a reason (required). 409: "
                               "`pricing.quote_invalid_status`.", request=RejectInSerializer,
                   responses={200: QuoteDetailSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND,
                              409: CONFLICT})
    def post(self, request, number):
        self.require(permissions.can_decide_quote(self.actor))
        quote = quote_selectors.get_quote(actor=self.actor, number=number)
        data = RejectInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.reject_quote(actor=self.actor, quote=quote, reason=data.validated_data["reason"])
        return Response(self.detail_data(number))
