"""Invoices, statements and payments through the REST API.

Dealers (a session, or a token with scope `account`; owners, finance users, agents acting): /me/invoices/ (list,
detail with the PDF link) and /me/statement/?from=&to=. The accounting system (a staff user's token with scope
`payments:write`, or staff holding payments.add_payment in a session): POST /payments/ and
POST /payments/{number}/allocations/, each with an optional `Idempotency-Key` header (portal/idempotency.py: the same
key answers the first response again; with another request 422 `idempotency_key_reused`).
Errors are JSON with a `code` (payments.*): 400 for invalid input, 409 for a refusal by state, 404 for another
dealer's invoice."""
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.units import unit_name
from dealers.api import DealerAccountMixin
from dealers.api.common import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND
from dealers.models import Dealer
from orders.models import Order
from portal.api_auth import HasScope
from portal.idempotency import idempotent
from portal.models import ApiToken

from . import permissions, selectors
from .errors import InvalidPayment
from .models import Payment, PaymentKind
from .services import allocation as allocation_services
from .services import statements

PAYMENTS_WRITE = ApiToken.Scope.PAYMENTS_WRITE
IDEMPOTENCY_KEY = OpenApiParameter("Idempotency-Key", str, location=OpenApiParameter.HEADER, required=False,
                                   description="Up to 255 characters, yours (token or user) for 24 hours. The same "
                                               "key with the same request answers the first response again (same "
                                               "status and body, header `Idempotent-Replayed: true`) instead of "
                                               "recording twice; with another request 422 "
                                               "`idempotency_key_reused`; while the first still runs 409 "
                                               "`idempotency_key_in_progress`.")


# --- output -----------------------------------------------------------------------------------------------------------

class InstallmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    due_date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class InvoiceLineSerializer(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    unit = serializers.CharField(help_text="The unit's code: piece, box, pack, set, litre, kg, metre, m2.")
    unit_label = serializers.SerializerMethodField(help_text="The unit's name in the request's language.")
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    line_net = serializers.DecimalField(max_digits=14, decimal_places=2)
    line_vat = serializers.DecimalField(max_digits=14, decimal_places=2)

    def get_unit_label(self, line) -> str:
        return unit_name(line.unit)


class InvoiceSerializer(serializers.Serializer):
    number = serializers.CharField()
    order = serializers.CharField(source="order.number", allow_null=True, default=None)
    shipment = serializers.CharField(
        source="part", help_text="The shipment number this invoice is for (an order invoiced per shipment has one "
                                 "invoice per shipment); empty: the whole order.")
    status = serializers.CharField()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    currency = serializers.CharField()
    total_net = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_vat = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_gross = serializers.DecimalField(max_digits=14, decimal_places=2)
    settled = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2)
    installments = serializers.IntegerField()
    pdf_url = serializers.SerializerMethodField(help_text="Download link, null while the PDF is being rendered.")

    def get_pdf_url(self, invoice) -> str | None:
        if invoice.document is None or invoice.document.status != "ready":
            return None
        url = reverse("payments:invoice_pdf", args=[invoice.number])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, source="lines.all")
    installment_plan = InstallmentSerializer(many=True, source="installment_plan.all")


class StatementRowSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField(help_text="invoice, payment, credit_note or refund")
    number = serializers.CharField()
    description = serializers.CharField()
    debit = serializers.DecimalField(max_digits=14, decimal_places=2)
    credit = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2)


class StatementSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    currency = serializers.CharField()
    opening = serializers.DecimalField(max_digits=14, decimal_places=2)
    closing = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_debit = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_credit = serializers.DecimalField(max_digits=14, decimal_places=2)
    rows = StatementRowSerializer(many=True)


class AllocationOutSerializer(serializers.Serializer):
    invoice = serializers.CharField(source="invoice.number")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    created_at = serializers.DateTimeField()


class PaymentSerializer(serializers.Serializer):
    number = serializers.CharField()
    dealer = serializers.CharField(source="dealer.code")
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    allocated = serializers.DecimalField(max_digits=14, decimal_places=2)
    unallocated = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    received_on = serializers.DateField()
    reference = serializers.CharField()
    order = serializers.CharField(source="order.number", allow_null=True, default=None)
    allocations = AllocationOutSerializer(many=True, source="allocations.all")


# --- input ------------------------------------------------------------------------------------------------------------

class AllocationInSerializer(serializers.Serializer):
    invoice = serializers.CharField(max_length=20, help_text="Invoice number.")
    amount = serializers.CharField(max_length=20, help_text="Amount as a string, e.g. \"1200.50\".")


class PaymentInSerializer(serializers.Serializer):
    dealer = serializers.CharField(max_length=12, help_text="Dealer code.")
    amount = serializers.CharField(max_length=20, help_text="As a string with a dot, e.g. \"12400.00\".")
    kind = serializers.ChoiceField(choices=PaymentKind.choices)
    received_on = serializers.DateField()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    order = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                  help_text="Order number a wire transfer is for.")
    allocate = serializers.ChoiceField(choices=["oldest", "none", "manual"], default="oldest",
                                       help_text="oldest (default), none, or manual with `allocations`.")
    allocations = AllocationInSerializer(many=True, required=False, default=list)

    def validate_amount(self, value):
        if not isinstance(self.initial_data.get("amount"), str):
            raise serializers.ValidationError(_("Give the amount as a string, never as a JSON number."))
        return value


class AllocateInSerializer(serializers.Serializer):
    invoice = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                    help_text="An invoice number; empty: the dealer's open invoices oldest first.")
    amount = serializers.CharField(max_length=20, required=False, allow_blank=True)


# --- dealer views -----------------------------------------------------------------------------------------------------

class InvoiceAccessMixin(DealerAccountMixin):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.require(permissions.can_see_invoices(self.actor))


class InvoiceListView(InvoiceAccessMixin, APIView):
    pagination_class = PageNumberPagination  # the schema's page shape
    @extend_schema(description="Your company's invoices, newest first. Filters: status (or `unpaid`), date_from, "
                               "date_to (issue date).",
                   parameters=[OpenApiParameter("status", str), OpenApiParameter("date_from", str),
                               OpenApiParameter("date_to", str)],
                   responses={200: InvoiceSerializer(many=True), 403: FORBIDDEN})
    def get(self, request):
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(selectors.list_invoices(actor=self.actor, filters=request.query_params), request,
                                           view=self)
        return paginator.get_paginated_response(InvoiceSerializer(rows, many=True, context={"request": request}).data)


class InvoiceDetailView(InvoiceAccessMixin, APIView):
    @extend_schema(description="One invoice with lines, installments and the PDF link.",
                   responses={200: InvoiceDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, number):
        invoice = selectors.get_invoice(actor=self.actor, number=number)
        return Response(InvoiceDetailSerializer(invoice, context={"request": request}).data)


class StatementView(InvoiceAccessMixin, APIView):
    @extend_schema(description="Your ledger for a period: opening balance, invoices and card refunds (debit), payments "
                               "and credit notes (credit) with the running balance. Default: the last 90 days.",
                   parameters=[OpenApiParameter("from", str), OpenApiParameter("to", str)],
                   responses={200: StatementSerializer, 400: INVALID, 403: FORBIDDEN})
    def get(self, request):
        found = statements.build_statement(dealer=self.actor.dealer, date_from=request.query_params.get("from"),
                                           date_to=request.query_params.get("to"))
        return Response(StatementSerializer(found).data)


# --- the accounting system --------------------------------------------------------------------------------------------

class FinanceMixin:
    permission_classes = [HasScope(PAYMENTS_WRITE, session_perm="payments.add_payment")]


class PaymentsView(FinanceMixin, APIView):
    @extend_schema(description="Record a payment received from a dealer and allocate it (oldest invoices first by "
                               "default): 201. `Idempotency-Key`: the same key answers the first response again; "
                               "another request with it is 422 `idempotency_key_reused`. 400: "
                               "`payments.invalid_amount`, `payments.invalid_payment`, `payments.wrong_dealer`; 409: "
                               "`payments.over_allocation`, `payments.invoice_not_open`, "
                               "`idempotency_key_in_progress`.",
                   request=PaymentInSerializer, parameters=[IDEMPOTENCY_KEY],
                   responses={201: PaymentSerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT, 422: CONFLICT})
    @idempotent()
    def post(self, request):
        data = PaymentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dealer = Dealer.objects.filter(code__iexact=values["dealer"].strip()).first()
        if dealer is None:
            raise InvalidPayment(_("Unknown dealer code."), field="dealer")
        order = None
        if values["order"]:
            order = Order.objects.filter(number=values["order"].strip(), dealer=dealer).first()
            if order is None:
                raise InvalidPayment(_("Unknown order of this dealer."), field="order")
        allocate = {"oldest": allocation_services.OLDEST, "none": None}.get(values["allocate"], {})
        if values["allocate"] == "manual":
            found = allocation_services.dealer_invoices_by_number(
                dealer=dealer, numbers=[row["invoice"] for row in values["allocations"]], field="allocations")
            for row in values["allocations"]:
                invoice_id = found[row["invoice"].strip()].pk
                allocate[invoice_id] = allocation_services.clean_amount(row["amount"], field="allocations") + \
                    allocate.get(invoice_id, 0)
        payment = allocation_services.record_payment(
            actor=request.user, dealer=dealer, amount=values["amount"], kind=values["kind"],
            received_on=values["received_on"], reference=values["reference"], order=order, allocate=allocate,
            idempotency_key=request.idempotency_key)  # one per claimed Idempotency-Key (portal/idempotency.py)
        payment = Payment.objects.select_related("dealer", "order").get(pk=payment.pk)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class PaymentAllocationsView(FinanceMixin, APIView):
    @extend_schema(description="Allocate what is left of a payment: to one invoice (`invoice`, `amount`: all that "
                               "fits when empty) or, without an invoice, to the dealer's open invoices oldest first (this payment only). "
                               "409: `payments.over_allocation`, `payments.invoice_not_open`.",
                   request=AllocateInSerializer, parameters=[IDEMPOTENCY_KEY],
                   responses={200: PaymentSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT,
                              422: CONFLICT})
    @idempotent()
    def post(self, request, number):
        payment = Payment.objects.filter(number=number).first()
        if payment is None:
            raise Http404
        data = AllocateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values.get("invoice"):
            number = values["invoice"].strip()
            invoice = allocation_services.dealer_invoices_by_number(dealer=payment.dealer_id, numbers=[number],
                                                                    field="invoice")[number]
            # No amount: all that fits (the service decides it under its locks).
            allocation_services.allocate(actor=request.user, source=payment, invoice=invoice,
                                         amount=values.get("amount") or None)
        else:
            allocation_services.allocate_source(actor=request.user, source=payment)
        payment = Payment.objects.select_related("dealer", "order").get(pk=payment.pk)
        return Response(PaymentSerializer(payment).data)

