"""A dealer's own account through the API: company, addresses, users."""
from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.http import client_ip

from .. import permissions, selectors, services
from ..models import Address, Dealer, Role, User
from ..services import COMPANY_FIELDS, OWNER_EDITABLE_FIELDS, STAFF_ONLY_FIELDS
from .common import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND, DealerAccountMixin

# --- company -------------------------------------------------------------------------------------------------------

class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Dealer
        fields = ["id", "code", *COMPANY_FIELDS, "status", "status_reason", "created_at", "approved_at"]
        read_only_fields = fields


class CompanyChangeSerializer(serializers.ModelSerializer):
    """Owners change the contact fields; legal name, tax office and tax number are refused by the service."""

    class Meta:
        model = Dealer
        fields = [*OWNER_EDITABLE_FIELDS, *STAFF_ONLY_FIELDS]
        extra_kwargs = {"tax_number": {"validators": []}}


class CompanyView(DealerAccountMixin, APIView):
    serializer_class = CompanySerializer

    def allow_unapproved(self, request):
        return request.method == "GET"

    @extend_schema(description="Your company and its status (readable before approval too).",
                   responses={200: CompanySerializer, 403: FORBIDDEN})
    def get(self, request):
        return Response(CompanySerializer(self.actor.dealer).data)

    @extend_schema(description="Owners only.", request=CompanyChangeSerializer,
                   responses={200: CompanySerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT})
    def patch(self, request):
        self.require(permissions.may_edit_company(self.actor, self.actor.dealer))
        data = CompanyChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        dealer = self.actor.dealer
        if data.validated_data:  # an empty PATCH changes nothing and leaves no audit row
            dealer = services.update_company_profile(actor=self.actor, changes=dict(data.validated_data),
                                                     ip_address=client_ip(request))
        return Response(CompanySerializer(dealer).data)


# --- addresses -----------------------------------------------------------------------------------------------------

class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ["id", "kind", "label", "contact_name", "phone", "line1", "line2", "district", "city",
                  "postal_code", "country", "is_default"]
        read_only_fields = ["id"]


class AddressViewSet(DealerAccountMixin, viewsets.GenericViewSet):
    """Your company's billing and shipping addresses; owners (and agents acting for you) change them."""

    serializer_class = AddressSerializer
    queryset = Address.objects.none()
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Address.objects.none()
        return selectors.list_addresses(actor=self.actor)

    def _save(self, request, *, existing=False, partial=False):
        self.require(permissions.may_change_address(self.actor, None))
        address = self.get_object() if existing else None
        data = AddressSerializer(address, data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return services.save_address(actor=self.actor, data=dict(data.validated_data), address=address)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AddressSerializer(page, many=True).data)

    @extend_schema(responses={201: AddressSerializer, 400: INVALID, 403: FORBIDDEN})
    def create(self, request):
        return Response(AddressSerializer(self._save(request)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: AddressSerializer, 404: NOT_FOUND})
    def retrieve(self, request, pk=None):
        return Response(AddressSerializer(self.get_object()).data)

    @extend_schema(responses={200: AddressSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND})
    def update(self, request, pk=None):
        return Response(AddressSerializer(self._save(request, existing=True)).data)

    @extend_schema(responses={200: AddressSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND})
    def partial_update(self, request, pk=None):
        return Response(AddressSerializer(self._save(request, existing=True, partial=True)).data)

    @extend_schema(responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    def destroy(self, request, pk=None):
        self.require(permissions.may_change_address(self.actor, None))
        services.delete_address(actor=self.actor, address=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- users ---------------------------------------------------------------------------------------------------------

class DealerUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "phone", "role", "order_limit", "is_active", "language",
                  "invited_at", "last_login"]
        read_only_fields = fields


class InviteSerializer(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)
    order_limit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False,
                                           allow_null=True, help_text="Buyers only; empty: no limit.")
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False,
                                       help_text="Language of the invitation; yours if empty.")


class UserChangeSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    order_limit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False,
                                           allow_null=True, help_text="Buyers only; null removes the limit.")
    is_active = serializers.BooleanField(required=False)


class DealerUserViewSet(DealerAccountMixin, viewsets.GenericViewSet):
    """Your company's users: owners only invite colleagues, change roles and limits, deactivate."""

    serializer_class = DealerUserSerializer
    queryset = User.objects.none()
    lookup_value_converter = "int"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.require(permissions.can_manage_users(self.actor))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return selectors.list_users(actor=self.actor)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DealerUserSerializer(page, many=True).data)

    @extend_schema(description="Invites a colleague: a mail with a link to set a password.", request=InviteSerializer,
                   responses={201: DealerUserSerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT})
    def create(self, request):
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.invite_user(actor=self.actor, **data.validated_data)
        return Response(DealerUserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: DealerUserSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def retrieve(self, request, pk=None):
        return Response(DealerUserSerializer(self.get_object()).data)

    @extend_schema(description="The last active owner cannot be demoted or deactivated (409 `dealers.last_owner`).",
                   request=UserChangeSerializer,
                   responses={200: DealerUserSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT})
    def partial_update(self, request, pk=None):
        user = self.get_object()
        data = UserChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        user = services.change_user(actor=self.actor, user=user, role=d.get("role"), order_limit=d.get("order_limit"),
                                    is_active=d.get("is_active"),
                                    clear_order_limit="order_limit" in d and d["order_limit"] is None)
        return Response(DealerUserSerializer(user).data)
