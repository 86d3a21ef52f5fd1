"""Integrations (ERP): read, create, approve and reject dealers, by token scope or as an admin."""
from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api_auth import HasScope
from portal.http import client_ip

from .. import selectors, services
from ..models import Dealer, Segment, User
from ..permissions import dealers_visible_to
from ..services import COMPANY_FIELDS, Contact
from .common import CONFLICT, DOCUMENT_FIELD_PREFIX, FORBIDDEN, INVALID, NOT_FOUND, Scope

# --- serializers: integrations ---------------------------------------------------------------------------------

class OwnerSerializer(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class DealerSerializer(serializers.ModelSerializer):
    segment = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True, help_text="Segment code.")
    account_manager = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True,
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
        return get_object_or_404(dealers_visible_to(self.request.user, selectors.list_dealers()), pk=pk)

    @extend_schema(parameters=[DealerFilterSerializer], description="Scope `dealers:read`. Newest first.")
    def list(self, request):
        filters = DealerFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(dealers_visible_to(request.user, selectors.list_dealers(**filters.validated_data)))
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
            actor=request.user, require_documents=False, require_terms=False,
        )
        created = selectors.list_dealers().get(pk=dealer.pk)  # its creator sees it, assigned or not
        return Response(DealerSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        description="Scope `dealers:approve`. Gives the dealer its code and segment; the owner is mailed.",
        request=ApproveSerializer,
        responses={200: DealerSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        dealer = get_object_or_404(dealers_visible_to(request.user, Dealer.objects.all()), pk=pk)
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.approve_dealer(dealer=dealer, actor=request.user, segment=data.validated_data.get("segment"),
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
        dealer = get_object_or_404(dealers_visible_to(request.user, Dealer.objects.all()), pk=pk)
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.reject_dealer(dealer=dealer, actor=request.user, reason=data.validated_data["reason"],
                               ip_address=client_ip(request))
        return Response(DealerSerializer(self._detail(pk)).data)
