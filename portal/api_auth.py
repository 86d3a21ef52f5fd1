"""Authentication of the REST API by token (`Authorization: Token <prefix>.<secret>`) and scope checks."""
import hmac
import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling
from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings

from .api_tokens import hash_key, split_key, token_of_prefix, user_may_carry
from .models import ApiToken

KEYWORD = "Token"
log = logging.getLogger(__name__)
# Writing last_used_at on every call would make every read a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Returns (token.user, token); a request without a token header is left to the other authenticators."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        # An address that failed too often is refused before its key is looked at: guessing gets nowhere.
        FailedAuthThrottle().refuse_if_blocked(request)
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
            # The user's dealer with it: every dealer API call acts for it (dealers.api.api_actor), one query less.
            token = token_of_prefix(parts[0])
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


class FailOpenThrottleMixin:
    """A throttle whose cache is down lets the request through (logged) instead of answering 500."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # noqa: BLE001  (any cache failure: Redis gone, a timeout, a refused connection)
            log.warning("API throttle %s skipped, its cache failed: %s: %s", type(self).__name__,
                        type(exc).__name__, exc)
            return True


class AnonRateThrottle(FailOpenThrottleMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(FailOpenThrottleMixin, throttling.UserRateThrottle):
    pass


class FailedAuthThrottle(throttling.SimpleRateThrottle):
    """Failed API authentications (a wrong, revoked or missing token) counted per client address.

    DRF checks throttles only after authentication and permissions, so a failed or anonymous request never met one.
    The exception handler counts each failure (`count_failed_authentication`); past the rate
    (DEFAULT_THROTTLE_RATES["auth_failure"]) a request with a token is refused with 429 before its key is checked,
    and an anonymous one gets 429 instead of 401. Fails open (logged) when the cache is down."""

    scope = "auth_failure"

    def get_rate(self):
        # Read at each request (not when the class was defined), so a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _load(self, request):
        self.key = self.get_cache_key(request)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    def refuse_if_blocked(self, request) -> None:
        """Raise Throttled when this address already failed as often as the rate allows."""
        if self.rate is None:
            return
        try:
            self._load(request)
        except Exception as exc:  # noqa: BLE001
            log.warning("API failed-authentication throttle skipped, its cache failed: %s: %s",
                        type(exc).__name__, exc)
            return
        if len(self.history) >= self.num_requests:
            raise exceptions.Throttled(self._seconds_left())

    def record_failure(self, request) -> float | None:
        """Count one failure; the seconds to wait when the address is now over the rate, else None."""
        if self.rate is None:
            return None
        try:
            self._load(request)
            over = len(self.history) >= self.num_requests
            self.history.insert(0, self.now)
            self.cache.set(self.key, self.history, self.duration)
        except Exception as exc:  # noqa: BLE001
            log.warning("API failed-authentication throttle skipped, its cache failed: %s: %s",
                        type(exc).__name__, exc)
            return None
        return self._seconds_left() if over else None

    def _seconds_left(self) -> float:
        """Seconds until the oldest counted failure leaves the window."""
        return max(self.duration - (self.now - self.history[-1]), 1.0) if self.history else float(self.duration)


def count_failed_authentication(exc, request):
    """For the exception handler: a failed or missing authentication is counted for the client's address; past the
    rate it becomes 429 Throttled. Any other exception is returned unchanged."""
    if request is None or not isinstance(exc, (exceptions.AuthenticationFailed, exceptions.NotAuthenticated)):
        return exc
    wait = FailedAuthThrottle().record_failure(request)
    return exceptions.Throttled(wait) if wait is not None else exc


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
                # Checked on every request: a token never does more than its user may do today.
                if not user_may_carry(user, scope) or (session_perm is not None and not user.has_perm(session_perm)):
                    self.message = _("The token's user may no longer do what the scope “%(scope)s” allows.") % {
                        "scope": scope}
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
