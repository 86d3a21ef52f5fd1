"""Authentication of the REST API by token (`Authorization: Token <prefix>.<secret>`) and scope checks."""
import hmac
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from .api_tokens import hash_key, split_key
from .models import ApiToken

KEYWORD = "Token"
# Writing last_used_at on every call would make every read a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Returns (token.user, token); a request without a token header is left to the other authenticators."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give 'Token <key>'."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return self.authenticate_key(key)

    def authenticate_key(self, key):
        parts = split_key(key)
        token = None
        if parts is not None:
            token = ApiToken.objects.select_related("user").filter(prefix=parts[0]).first()
        if token is None or not hmac.compare_digest(token.key_hash, hash_key(key)):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user is inactive."))
        self._touch(token)
        return token.user, token

    @staticmethod
    def _touch(token):
        now = timezone.now()
        if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
            return
        # Conditional update: parallel requests of one token write it once.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
        token.last_used_at = now

    def authenticate_header(self, request):
        return KEYWORD


def token_of(request) -> ApiToken | None:
    """The token a request was authenticated with, None for a session."""
    return request.auth if isinstance(request.auth, ApiToken) else None


def HasScope(scope, *, session_perm=None):  # noqa: N802  (reads as a class in permission_classes)
    """A permission: a token must carry `scope`.

    Without a token (a session), `session_perm` decides: given, only staff holding that Django permission
    pass (admins, not every staff user); not given, any signed-in user passes and the view decides.
    Scopes meant for staff (`session_perm` given) also need the token's user to be staff.
    """

    class _HasScope(BasePermission):
        def has_permission(self, request, view):
            user = request.user
            if not (user and user.is_authenticated):
                return False
            token = token_of(request)
            if token is not None:
                if not token.has_scope(scope) or (session_perm is not None and not user.is_staff):
                    self.message = _("This token lacks the scope “%(scope)s”.") % {"scope": scope}
                    return False
                return True
            if session_perm is None:
                return True
            if not (user.is_staff and user.has_perm(session_perm)):
                self.message = _("Only administrators may do this.")
                return False
            return True

    _HasScope.__name__ = f"HasScope[{scope}]"
    _HasScope.scope = scope
    return _HasScope


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Shows token authentication in the OpenAPI schema."""

    target_class = "portal.api_auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <prefix>.<secret>` — an API token issued by an administrator.",
        }
