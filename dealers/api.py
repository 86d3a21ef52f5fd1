"""REST API of dealers: integrations read, create, approve and reject dealers; a dealer's users their own account.

Every view: input serializer → service → output serializer. A DomainError raised by a service becomes
400/409 JSON in portal.errors.api_exception_handler; querysets are scoped so a foreign row answers 404.
"""
from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework.views import APIView
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from portal.actors import Actor
from portal.http import client_ip
from portal.api_auth import HasScope, token_of
from portal.models import ApiToken

from . import permissions, selectors, services
from .models import Address, Dealer, Role, Segment, User
from .services.accounts import OWNER_EDITABLE_FIELDS, STAFF_ONLY_FIELDS
from .services.application import COMPANY_FIELDS, Contact

Scope = ApiToken.Scope

DOCUMENT_FIELD_PREFIX = "document_"


# --- errors shown in the schema --------------------------------------------------------------------------------

ErrorSerializer = inline_serializer("Error", fields={
    "code": serializers.CharField(help_text="Stable error code, e.g. `dealers.duplicate_tax_number`."),
    "detail": serializers.CharField(required=False),
    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                    help_text="Messages per input field."),
})
INVALID = OpenApiResponse(ErrorSerializer, description="Invalid input; `fields` says which.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Missing scope or role, or the company is not approved.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object (or not one of yours).")
CONFLICT = OpenApiResponse(ErrorSerializer, description="Refused by the current state, e.g. a duplicate.")


# --- serializers: integrations ---------------------------------------------------------------------------------

class OwnerSerializer(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class DealerSerializer(serializers.ModelSerializer):
    segment = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Segment code.")
    account_manager = serializers.SlugRelatedField(slug_field="email", read_only=True,
                                                   help_text="E-mail of the staff account manager.")
    owner = serializers.SerializerMethodField()

    class Meta:
        model = Dealer
        fields = ["id", "code", *COMPANY_FIELDS, "status", "segment", "account_manager", "created_at",
                  "approved_at", "owner"]
        read_only_fields = fields

    @extend_schema_field(OwnerSerializer(allow_null=True))
    def get_owner(self, dealer):
        owners = getattr(dealer, "owners", None)  # prefetched by selectors.list_dealers
        if owners is None:
            owner = dealer.owner()
        else:
            owner = min((u for u in owners if u.is_active), key=lambda u: u.pk, default=None)
        return OwnerSerializer(owner).data if owner is not None else None


class DealerFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Dealer.Status.choices, required=False)
    segment = serializers.CharField(required=False, help_text="Segment code.")
    search = serializers.CharField(required=False,
                                   help_text="Part of the legal or trade name; or exact tax number, code, e-mail.")


class DealerCreateSerializer(serializers.ModelSerializer):
    """The company, and its owner (who gets a mail to set a password once the dealer is approved)."""

    contact_first_name = serializers.CharField(max_length=150)
    contact_last_name = serializers.CharField(max_length=150)
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=settings.LANGUAGES, default="en",
                                       help_text="Language of the owner's mails.")

    class Meta:
        model = Dealer
        fields = [*COMPANY_FIELDS, "contact_first_name", "contact_last_name", "contact_email", "contact_phone",
                  "language"]
        # The service checks the tax number (digits, length, duplicate → 409), not a unique validator (→ 400).
        extra_kwargs = {"tax_number": {"validators": [], "max_length": 20}}


class ApproveSerializer(serializers.Serializer):
    segment = serializers.SlugRelatedField(slug_field="code", queryset=Segment.objects.all(), required=False,
                                           allow_null=True, help_text="Segment code; the default segment if empty.")
    account_manager = serializers.EmailField(required=False, allow_null=True,
                                             help_text="E-mail of an active staff user.")

    def validate_account_manager(self, value):
        if not value:
            return None
        manager = User.objects.filter(email__iexact=value, is_staff=True, is_active=True).first()
        if manager is None:
            raise serializers.ValidationError(_("No active staff user has this e-mail address."))
        return manager


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Told to the applicant.")


# --- views: integrations ---------------------------------------------------------------------------------------

# Scope a token needs, and the Django permission a signed-in administrator needs instead.
DEALER_ACTION_ACCESS = {
    "list": (Scope.DEALERS_READ, "dealers.view_dealer"),
    "retrieve": (Scope.DEALERS_READ, "dealers.view_dealer"),
    "create": (Scope.DEALERS_WRITE, "dealers.add_dealer"),
    "approve": (Scope.DEALERS_APPROVE, "dealers.change_dealer"),
    "reject": (Scope.DEALERS_APPROVE, "dealers.change_dealer"),
}


class DealerViewSet(viewsets.GenericViewSet):
    """Dealers for integrations (ERP): token scopes `dealers:read`, `dealers:write`, `dealers:approve`."""

    serializer_class = DealerSerializer
    queryset = Dealer.objects.none()  # the schema's model; requests read through selectors.list_dealers
    lookup_value_converter = "int"

    def get_permissions(self):
        scope, perm = DEALER_ACTION_ACCESS.get(self.action, DEALER_ACTION_ACCESS["list"])
        return [HasScope(scope, session_perm=perm)()]

    def _detail(self, pk):
        return get_object_or_404(selectors.list_dealers(), pk=pk)

    @extend_schema(parameters=[DealerFilterSerializer], description="Scope `dealers:read`. Newest first.")
    def list(self, request):
        filters = DealerFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.list_dealers(**filters.validated_data))
        return self.get_paginated_response(DealerSerializer(page, many=True).data)

    @extend_schema(description="Scope `dealers:read`.", responses={200: DealerSerializer, 404: NOT_FOUND})
    def retrieve(self, request, pk=None):
        return Response(DealerSerializer(self._detail(pk)).data)

    @extend_schema(
        description="Scope `dealers:write`. Creates the dealer as `applied` with its owner. JSON, or multipart "
                    "with optional document files named `document_<type code>` (PDF, JPEG or PNG, 10 MB at most). "
                    "The owner accepts the terms of use at the first login.",
        request=DealerCreateSerializer,
        responses={201: DealerSerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT},
    )
    def create(self, request):
        data = DealerCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        documents = {name[len(DOCUMENT_FIELD_PREFIX):]: upload for name, upload in request.FILES.items()
                     if name.startswith(DOCUMENT_FIELD_PREFIX)}
        dealer = services.submit_application(
            company={k: d[k] for k in COMPANY_FIELDS if k in d},
            contact=Contact(first_name=d["contact_first_name"], last_name=d["contact_last_name"],
                            email=d["contact_email"], phone=d["contact_phone"]),
            documents=documents, accept_terms_version=None, language=d["language"], ip_address=client_ip(request),
            by=request.user, require_documents=False, require_terms=False,
        )
        return Response(DealerSerializer(self._detail(dealer.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        description="Scope `dealers:approve`. Gives the dealer its code and segment; the owner is mailed.",
        request=ApproveSerializer,
        responses={200: DealerSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        dealer = get_object_or_404(Dealer, pk=pk)
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.approve_dealer(dealer=dealer, by=request.user, segment=data.validated_data.get("segment"),
                                account_manager=data.validated_data.get("account_manager"),
                                ip_address=client_ip(request))
        return Response(DealerSerializer(self._detail(pk)).data)

    @extend_schema(
        description="Scope `dealers:approve`. The applicant is mailed the reason.",
        request=RejectSerializer,
        responses={200: DealerSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        dealer = get_object_or_404(Dealer, pk=pk)
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.reject_dealer(dealer=dealer, by=request.user, reason=data.validated_data["reason"],
                               ip_address=client_ip(request))
        return Response(DealerSerializer(self._detail(pk)).data)


# --- a dealer's own account: who acts, and may it ---------------------------------------------------------------

class NoDealer(exceptions.PermissionDenied):
    default_detail = _("Only a dealer's users have a company account.")
    default_code = "dealers.no_dealer"


class NotApproved(exceptions.PermissionDenied):
    default_detail = _("Your company is not approved; only its status can be read.")
    default_code = "dealers.not_approved"


class RoleNotAllowed(exceptions.PermissionDenied):
    default_detail = _("Your role does not allow this.")
    default_code = "dealers.not_allowed"


def api_actor(request) -> Actor:
    """Who acts for which dealer in an API request, resolved once.

    ActorMiddleware resolves it from the session before DRF authenticates; for a token the
    middleware saw nobody, so it is resolved here from the token's user (never acting on behalf).
    """
    actor = getattr(request, "_api_actor", None)
    if actor is None:
        if token_of(request) is not None:
            actor = selectors.actor_for(request.user, None)
        else:
            actor = getattr(request._request, "actor", None)
            if actor is None or actor.user != request.user:  # DRF authenticated someone the middleware did not see
                actor = selectors.actor_for(request.user, request.session)
        request._api_actor = actor
    return actor


class ActsForApprovedDealer(BasePermission):
    """A dealer to act for, and an approved one unless the view reads only the status (`allow_unapproved`)."""

    def has_permission(self, request, view):
        actor = api_actor(request)
        if actor.dealer is None:
            raise NoDealer()
        if not actor.dealer.is_approved and not view.allow_unapproved(request):
            raise NotApproved()
        return True


class DealerAccountMixin:
    """Views of the acting dealer's own account: a session, or a token with scope `account`."""

    permission_classes = [HasScope(Scope.ACCOUNT), ActsForApprovedDealer]

    @property
    def actor(self) -> Actor:
        return api_actor(self.request)

    def allow_unapproved(self, request) -> bool:
        return False

    def require(self, allowed: bool):
        # Checked early for a clear 403; the service checks again for every other caller.
        if not allowed:
            raise RoleNotAllowed()


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
        self.require(permissions.can(self.actor, permissions.MANAGE_COMPANY))
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
        return selectors.list_addresses(self.actor)

    def _save(self, request, *, existing=False, partial=False):
        self.require(permissions.can(self.actor, permissions.MANAGE_ADDRESSES))
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
        self.require(permissions.can(self.actor, permissions.MANAGE_ADDRESSES))
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
        return selectors.list_users(self.actor)

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
