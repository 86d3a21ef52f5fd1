"""API tokens: issued and revoked only here, audited; the key is shown once and only its hash is kept."""
import hashlib
import re
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .compiled import CompiledQuery
from .errors import InvalidApiToken
from .models import ApiToken

PREFIX_BYTES = 6   # token_urlsafe(6) → 8 url-safe characters, never a "."
SECRET_BYTES = 32  # token_urlsafe(32) → 43 url-safe characters

# Scopes that reach every dealer: only a staff user (an integration's user or an admin) may carry them.
STAFF_SCOPES = {ApiToken.Scope.DEALERS_READ, ApiToken.Scope.DEALERS_WRITE, ApiToken.Scope.DEALERS_APPROVE,
                ApiToken.Scope.CATALOG_WRITE, ApiToken.Scope.SHIPPING_WRITE, ApiToken.Scope.FEEDBACK_READ}
# Scopes that act for the user's own dealer: only a dealer user may carry them.
DEALER_SCOPES = {ApiToken.Scope.ACCOUNT}
# A token carries no more than its user may do: each staff scope needs the Django permission its endpoints ask of a
# staff session, when the token is made and again on every request (api_auth.HasScope).
SCOPE_PERMISSIONS = {
    ApiToken.Scope.DEALERS_READ: "dealers.view_dealer",
    ApiToken.Scope.DEALERS_WRITE: "dealers.add_dealer",
    ApiToken.Scope.DEALERS_APPROVE: "dealers.change_dealer",
    ApiToken.Scope.CATALOG_WRITE: "catalog.change_product",
    ApiToken.Scope.PAYMENTS_WRITE: "payments.add_payment",
    ApiToken.Scope.SHIPPING_WRITE: "shipping.add_shipment",
    ApiToken.Scope.FEEDBACK_READ: "feedback.view_npsresponse",
}


def user_may_carry(user, scope) -> bool:
    """May `user` act with `scope` now? Staff scopes need the user to be active staff holding their permission."""
    perm = SCOPE_PERMISSIONS.get(scope)
    if perm is None:
        return True
    return bool(user.is_active and user.is_staff and user.has_perm(perm))




# A key's prefix as create_api_token draws it (token_urlsafe: letters, digits, "-" and "_"), at most the column's
# length. Anything else names no token and is not looked up (a NUL byte would make PostgreSQL refuse the query).
_PREFIX = re.compile(r"[A-Za-z0-9_-]{1,12}")

# Every API call reads its token with the user and the user's dealer (dealers.api.api_actor acts for it): built once
# per process (portal.compiled), as the ORM spent ~0.6 ms of the call building this three-table join. The prefix is
# unique, so the queryset's ordering picks nothing.
_TOKEN_WITH_USER = CompiledQuery(lambda prefix: ApiToken.objects.select_related("user__dealer").filter(prefix=prefix),
                                 sample=("compiled-sample-prefix",))


def token_of_prefix(prefix: str) -> ApiToken | None:
    """The token with this prefix, its user and the user's dealer read with it; None when there is none."""
    if not _PREFIX.fullmatch(prefix or ""):
        return None
    return _TOKEN_WITH_USER.first(prefix)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    """`<prefix>.<secret>` → (prefix, secret); None for anything else."""
    prefix, dot, secret = (key or "").partition(".")
    if not dot or not prefix or not secret:
        return None
    return prefix, secret


def check_scopes(*, user, scopes) -> list[str]:
    """The scopes as a sorted list, or InvalidApiToken: known scopes only, and fitting the user they act as."""
    scopes = sorted(set(scopes or []))
    if not scopes:
        raise InvalidApiToken(_("Choose at least one scope."), field="scopes")
    unknown = [s for s in scopes if s not in ApiToken.Scope.values]
    if unknown:
        raise InvalidApiToken(_("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)}, field="scopes")
    if set(scopes) & STAFF_SCOPES and not user.is_staff:
        raise InvalidApiToken(_("Only a staff user's token may read, create or approve dealers."), field="scopes")
    if set(scopes) & DEALER_SCOPES and getattr(user, "dealer_id", None) is None:
        raise InvalidApiToken(_("Only a dealer user's token may act on its own company."), field="scopes")
    lacking = [s for s in scopes if not user_may_carry(user, s)]
    if lacking:
        raise InvalidApiToken(_("%(user)s may not do what these scopes allow: %(scopes)s. A token carries only what "
                                "its user may do; give the user the permission first.")
                              % {"user": user.email, "scopes": ", ".join(lacking)}, field="scopes")
    return scopes


def create_api_token(*, name, user, scopes, actor) -> tuple[ApiToken, str]:
    """Issue a token acting as `user`. Returns the token and the raw key, which is never stored nor shown again."""
    name = (name or "").strip()
    if not name:
        raise InvalidApiToken(_("Give the token a name that says who uses it."), field="name")
    scopes = check_scopes(user=user, scopes=scopes)
    for attempt in range(5):
        prefix = secrets.token_urlsafe(PREFIX_BYTES)
        key = f"{prefix}.{secrets.token_urlsafe(SECRET_BYTES)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(name=name, user=user, prefix=prefix, key_hash=hash_key(key),
                                                scopes=scopes)
                audit.record(actor=actor, action="api_token.created", target=token, dealer=user.dealer,
                             data={"name": name, "user": user.email, "prefix": prefix, "scopes": scopes})
            return token, key
        except IntegrityError:
            # Two tokens drew the same 48-bit prefix: draw again rather than fail.
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def revoke_api_token(*, token, actor) -> ApiToken:
    """Revoke a token for good; revoking it again changes nothing."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update(of=("self",)).select_related("user").get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_token.revoked", target=locked, dealer=locked.user.dealer,
                     data={"name": locked.name, "user": locked.user.email, "prefix": locked.prefix})
    return locked
