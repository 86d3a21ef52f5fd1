"""The credit status through the API: limit, exposure, available, hold (owners, finance users, agents)."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dealers.api import DealerAccountMixin

from .permissions import can_see_credit
from .services.credit import credit_status


class CreditStatusSerializer(serializers.Serializer):
    limit = serializers.DecimalField(max_digits=14, decimal_places=2)
    exposure = serializers.DecimalField(max_digits=14, decimal_places=2,
                                        help_text="Open invoice balances + on-account orders not yet invoiced.")
    available = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    on_hold = serializers.BooleanField()
    hold_reason = serializers.CharField()
    payment_terms_days = serializers.IntegerField()
    used_percent = serializers.IntegerField()


class CreditStatusView(DealerAccountMixin, APIView):
    @extend_schema(responses={200: CreditStatusSerializer})
    def get(self, request):
        self.require(can_see_credit(self.actor, self.actor.dealer))
        return Response(CreditStatusSerializer(credit_status(self.actor.dealer)).data)
