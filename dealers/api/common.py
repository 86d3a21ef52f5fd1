"""What every dealers API view shares: error responses for the schema, and who acts for which dealer."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission

from portal.actors import Actor
from portal.api_auth import HasScope, token_of
from portal.models import ApiToken

from .. import permissions, selectors

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



# --- a dealer's own account: who acts, and may it ---------------------------------------------------------------

class NoDealer(exceptions.PermissionDenied):
    default_detail = _("Only a dealer's users have a company account.")
    default_code = "dealers.no_dealer"


class NotApproved(exceptions.PermissionDenied):
    default_detail = _("Your company is not approved; only its status can be read.")
    default_code = "dealers.not_approved"


def api_actor(request) -> Actor:
    """Who acts for which dealer in an API request, resolved once.

    ActorMiddleware resolves it from the session before DRF authenticates; for a token the
    middleware saw nobody, so it is resolved here from the token's user (never acting on behalf).
    """
    actor = getattr(request, "_api_actor", None)
    if actor is None:
        if token_of(request) is not None:
            actor = selectors.actor_for(user=request.user, session=None)
        else:
            actor = getattr(request._request, "actor", None)
            if actor is None or actor.user != request.user:  # DRF authenticated someone the middleware did not see
                actor = selectors.actor_for(user=request.user, session=request.session)
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
        # Checked early (403 `dealers.not_allowed`, as the service answers when it checks again for every caller).
        permissions.require(allowed)
