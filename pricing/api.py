"""REST API of pricing: the price calculator for lines, through the one price engine."""
from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from catalog.api import CatalogView, PriceSerializer
from catalog.errors import unknown_skus
from catalog.skus import find_products
from dealers.models import Dealer

from .engine import price_lines, summarize
from .models import PaymentAdjustment
from .models.prices import MAX_INSTALLMENTS
from .permissions import require_price_as


class LineInSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))


class CalculateInSerializer(serializers.Serializer):
    lines = LineInSerializer(many=True, allow_empty=False, max_length=1000)
    payment_method = serializers.ChoiceField(choices=PaymentAdjustment.Method.choices, required=False)
    installments = serializers.IntegerField(min_value=1, max_value=MAX_INSTALLMENTS, default=1)
    dealer_code = serializers.CharField(required=False, help_text="Staff only: price as this dealer.")


class LineOutSerializer(PriceSerializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    line_net = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    vat_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    line_gross = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class PriceCalculatorView(CatalogView):
    """Prices lines for the caller's own dealer; staff may name a dealer. Nothing else prices."""

    @extend_schema(request=CalculateInSerializer, responses={200: LineOutSerializer(many=True)},
                   description="Price lines for your dealer. Refusals: 400 `catalog.unknown_sku` (on `lines`), "
                               "`pricing.price_as_not_allowed` (on `dealer_code`: only staff who may view price lists, "
                               "or a sales agent for an assigned dealer, price as another dealer; an unknown code "
                               "answers the same).")
    def post(self, request):
        actor = self.actor()
        data = CalculateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        dealer = actor.dealer
        if body.get("dealer_code"):
            dealer = Dealer.objects.filter(code=body["dealer_code"].strip().upper()).first()
            # The admin's "Price as dealer" page asks the same (pricing.price_as_not_allowed, 400).
            require_price_as(actor, dealer)
        skus = [line["sku"] for line in body["lines"]]
        found = find_products(skus, fields=["pk", "sku", "active"])  # whatever case the ERP writes SKUs in
        ids = {sku: found[sku.strip().upper()].pk for sku in skus
               if sku.strip().upper() in found and found[sku.strip().upper()].active}
        unknown = [sku for sku in skus if sku not in ids]
        if unknown:
            raise unknown_skus(unknown)
        priced = price_lines(dealer=dealer, lines=[(ids[line["sku"]], line["quantity"]) for line in body["lines"]],
                             payment_method=body.get("payment_method"), installments=body["installments"])
        totals = summarize(priced)
        return Response({
            "currency": totals.currency, "net": str(totals.net), "vat": str(totals.vat), "gross": str(totals.gross),
            "all_priced": totals.all_priced, "lines": LineOutSerializer(priced, many=True).data,
        })
