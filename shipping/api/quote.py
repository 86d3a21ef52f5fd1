"""REST API of shipping: `POST /api/v1/me/shipping/quote/` prices shipping of some lines to one of the dealer's
shipping addresses with every method the dealer may use (or the one asked for)."""
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import skus as sku_lines
from catalog.errors import UnknownSku
from dealers.api import DealerAccountMixin
from dealers.api.common import FORBIDDEN, INVALID, NOT_FOUND
from dealers.models import Address
from pricing.services import price_lines

from ..errors import MethodNotAllowed, NoPrice, ShippingError
from ..permissions import can_quote_shipping
from ..services import ShipLine, available_methods, methods_for, quote_shipping, total_weight

MONEY = {"max_digits": 14, "decimal_places": 2}


# --- input -------------------------------------------------------------------------------------------------------

class QuoteLineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64, help_text="The SKU, whatever its case.")
    quantity = serializers.CharField(max_length=32, help_text='A positive quantity: "2", "2.5" or "2,5".')


class QuoteRequestSerializer(serializers.Serializer):
    address = serializers.IntegerField(help_text="The id of one of your shipping addresses.")
    lines = QuoteLineSerializer(many=True, allow_empty=False, max_length=500)
    method = serializers.CharField(required=False, max_length=40,
                                   help_text="A method's code: price only this one. Default: every method.")
    insured = serializers.BooleanField(default=False,
                                       help_text="Add cargo insurance where the method offers it.")


# --- output ------------------------------------------------------------------------------------------------------

class ChargeSerializer(serializers.Serializer):
    freight_net = serializers.DecimalField(**MONEY)
    handling_net = serializers.DecimalField(**MONEY)
    insurance_net = serializers.DecimalField(**MONEY)
    charge_net = serializers.DecimalField(**MONEY)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    charge_vat = serializers.DecimalField(**MONEY)
    charge_gross = serializers.DecimalField(**MONEY)
    free = serializers.BooleanField()
    free_threshold = serializers.DecimalField(**MONEY, allow_null=True,
                                              help_text="Free when the goods' NET value reaches this.")
    to_go = serializers.DecimalField(**MONEY, allow_null=True, help_text="Net goods value still missing for free "
                                                                         "shipping (null: free, or never free).")
    insured = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why this charge, in your language.")


class UnavailableSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. `shipping.hazardous_not_carried`, `shipping.no_rate`.")
    detail = serializers.CharField(source="message")


class InsuranceOfferSerializer(serializers.Serializer):
    rate_percent = serializers.DecimalField(max_digits=5, decimal_places=2, source="insurance_rate_percent")
    minimum = serializers.DecimalField(**MONEY, source="insurance_minimum", allow_null=True)
    covers = serializers.SerializerMethodField(help_text="What the insurance covers, in your language.")

    def get_covers(self, method) -> str:
        return method.insurance_cover()


class MethodAnswerSerializer(serializers.Serializer):
    code = serializers.CharField(source="method.code")
    name = serializers.SerializerMethodField()
    carrier = serializers.CharField(source="method.carrier.name", allow_null=True, default=None)
    lead_time_days = serializers.IntegerField(source="method.lead_time_days")
    insurance = serializers.SerializerMethodField(help_text="The insurance offer; null when none.")
    available = serializers.BooleanField()
    quote = ChargeSerializer(allow_null=True)
    unavailable = UnavailableSerializer(allow_null=True, help_text="Why the method cannot be used (null when it can).")

    def get_name(self, row) -> str:
        return row["method"].label()

    @extend_schema_field(InsuranceOfferSerializer(allow_null=True))
    def get_insurance(self, row):
        method = row["method"]
        return InsuranceOfferSerializer(method).data if method.offers_insurance else None


class QuoteAnswerSerializer(serializers.Serializer):
    currency = serializers.CharField()
    goods_net = serializers.DecimalField(**MONEY, help_text="The lines' net value at your prices.")
    weight_kg = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True,
                                         help_text="The goods' weight; null when a product's weight is unknown.")
    methods = MethodAnswerSerializer(many=True)


# --- the view ----------------------------------------------------------------------------------------------------

def ship_lines(*, dealer, lines) -> tuple[list[ShipLine], str]:
    """The requested lines priced for `dealer` by pricing's engine: (product, quantity, net line value), and the
    currency of those prices."""
    wanted = []
    for row in lines:
        quantity = sku_lines.parse_quantity(row["quantity"])
        wanted.append((row["sku"], quantity))
    found = sku_lines.find_products([sku for sku, _quantity in wanted])
    missing = [sku for sku, _quantity in wanted if sku.strip().upper() not in found]
    if missing:
        raise UnknownSku(_("Unknown SKU: %(skus)s") % {"skus": ", ".join(missing)}, field="lines")
    products = [found[sku.strip().upper()] for sku, _quantity in wanted]
    priced = price_lines(dealer=dealer, lines=[(product, quantity) for product, (_sku, quantity)
                                               in zip(products, wanted, strict=True)])
    unpriced = [line.sku for line in priced if not line.priced]
    if unpriced:
        raise NoPrice(_("These products have no price for you: %(skus)s") % {"skus": ", ".join(unpriced)},
                      field="lines")
    return [ShipLine(product=product, quantity=line.quantity, net=line.line_net)
            for product, line in zip(products, priced, strict=True)], priced[0].currency


def answer_row(method, answer) -> dict:
    if isinstance(answer, Exception):
        return {"method": method, "available": False, "quote": None, "unavailable": answer}
    return {"method": method, "available": True, "quote": answer, "unavailable": None}


class ShippingQuoteView(DealerAccountMixin, APIView):
    """POST /me/shipping/quote/: what shipping these lines to that address costs with each method."""

    @extend_schema(
        request=QuoteRequestSerializer, responses={200: QuoteAnswerSerializer, 400: INVALID, 403: FORBIDDEN,
                                                   404: NOT_FOUND},
        description="Prices shipping of the lines (at your prices, through the pricing engine) to one of your "
                    "shipping addresses with every method you may use, or only `method`. Each method answers its "
                    "charge (net, VAT at the freight's own rate, gross) and why (`reasons`), or why it cannot be "
                    "used (`unavailable`: e.g. it does not carry hazardous goods, or does not deliver there). Free "
                    "shipping is measured on the goods' NET value. Another dealer's address is a 404.")
    def post(self, request):
        dealer = self.actor.dealer
        self.require(can_quote_shipping(self.actor))
        data = QuoteRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        data = data.validated_data
        address = Address.objects.shipping().filter(dealer=dealer, pk=data["address"]).first()
        if address is None:
            raise Http404
        lines, currency = ship_lines(dealer=dealer, lines=data["lines"])
        if data.get("method"):
            method = next((m for m in methods_for(dealer=dealer) if m.code == data["method"]), None)
            if method is None:
                raise MethodNotAllowed(_("No such shipping method for your company: %(code)s")
                                       % {"code": data["method"]}, field="method")
            try:
                answer = quote_shipping(dealer=dealer, address=address, lines=lines, method=method,
                                        insured=data["insured"], currency=currency)
            except ShippingError as exc:  # a refusal of this method: answered like the others', not as an error
                answer = exc
            rows = [answer_row(method, answer)]
        else:
            rows = [answer_row(method, answer) for method, answer
                    in available_methods(dealer=dealer, address=address, lines=lines, insured=data["insured"],
                                           currency=currency)]
        body = {"currency": currency, "goods_net": sum((line.net for line in lines), Decimal("0.00")),
                "weight_kg": total_weight(lines), "methods": rows}
        return Response(QuoteAnswerSerializer(body).data)
