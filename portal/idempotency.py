"""Idempotency keys, the one mechanism for every POST that creates money-bearing objects (orders, quote acceptance,
payments, allocations), as Stripe does it.

A client sends `Idempotency-Key: <up to 255 printable characters>`. The key belongs to a scope: the API token (or,
with a session, the user) and the dealer acted for; another user's same key is another key.

1. The key is claimed first, in its own committed transaction (an INSERT that meets the unique constraint on scope +
   key), together with a fingerprint of the request: method, path with query string, and the body in canonical JSON.
2. Another request with that key while the first still runs: 409 `idempotency_key_in_progress` (retry later).
   With another fingerprint (a changed quantity, another payment method, another path): 422
   `idempotency_key_reused`, whatever the first one's state, and nothing runs.
3. When the request ends with a final answer (2xx, or a 4xx refusal such as invalid input or 409 over the credit
   limit) its status code and body are stored, and every replay answers exactly that, with the header
   `Idempotent-Replayed: true`. To try again after a refusal, send a new key.
4. A server error (an exception, 5xx), a refusal of who you are (401/403), throttling (429) or a conflict that asks to
   try again release the key: a retry with it runs again.
5. Keys expire IDEMPOTENCY_KEY_TTL_HOURS (24) after they were first used: then the key is new again, and a daily beat
   job deletes old rows. A claim whose request died without an answer is taken over after
   IDEMPOTENCY_LOCK_SECONDS; the services' own unique keys (one order or payment per key) still make one object.

Views use it as a decorator on `post`; the claimed row's `service_key` is passed to the service as its
idempotency key, so the database's one-object-per-key constraint holds per scope too; `request.idempotency_key_is_new`
says the row was claimed just now (not taken over), so no object can carry its key yet and the service may skip
looking for one (the constraint still holds)."""
import functools
import hashlib
import json
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyKey

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_LENGTH = 255
# Final answers are stored and replayed; these are not (who you are, throttling, "try again").
RELEASED_STATUSES = {401, 403, 405, 408, 423, 425, 429}


def ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 24))


def lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "IDEMPOTENCY_LOCK_SECONDS", 120))


def scope_of(request, dealer=None) -> str:
    """The token (or the signed-in user) and the dealer acted for."""
    from .api_auth import token_of

    token = token_of(request) if hasattr(request, "auth") else None
    who = f"token:{token.pk}" if token is not None else f"user:{getattr(request.user, 'pk', None) or '-'}"
    return f"{who}|dealer:{dealer.pk}" if dealer is not None else who


def _canonical(data):
    if hasattr(data, "getlist") and hasattr(data, "keys"):  # a QueryDict (form data): every value of every key
        return {key: data.getlist(key) for key in data.keys() if key != "csrfmiddlewaretoken"}
    return data


def fingerprint_of(request) -> str:
    # An unparsable body raises DRF's ParseError here: a 400 before anything is claimed. A page's form: its POST.
    data = request.data if hasattr(request, "data") else request.POST
    body = json.dumps(_canonical(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder,
                      default=str)
    raw = "\n".join([request.method.upper(), request.get_full_path(), body])
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class Outcome:
    """What claiming a key gave: `row` to run the request under, or a ready `answer` (status, body, replayed)."""

    def __init__(self, *, row=None, status=None, body=None, replayed=False, fresh=False):
        self.row, self.status, self.body, self.replayed = row, status, body, replayed
        # The row was inserted by this claim (not taken over after a lease): nothing ran under its key before.
        self.fresh = fresh

    @property
    def service_key(self) -> str | None:
        """The key the service stores on the object it creates (unique per dealer): one per claimed row."""
        return f"idem:{self.row.pk}" if self.row is not None else None


def _error(status, code, message) -> Outcome:
    return Outcome(status=status, body={"code": code, "detail": str(message)})


def claim(*, scope, key, fingerprint, method, path) -> Outcome:
    """Claim `key` for a request (committed at once, so parallel requests see it), or say how to answer instead."""
    for _attempt in range(3):
        now = timezone.now()
        try:
            row = _insert_committed(IdempotencyKey(scope=scope, key=key, fingerprint=fingerprint, method=method,
                                                   path=path[:255], locked_at=now, created_at=now))
            return Outcome(row=row, fresh=True)
        except IntegrityError:
            pass
        row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if row is None:
            continue  # deleted meanwhile (expired): claim again
        if row.created_at <= now - ttl():
            # Expired: the key is new again. Only one of several parallel requests deletes it.
            IdempotencyKey.objects.filter(pk=row.pk, created_at=row.created_at).delete()
            continue
        if row.fingerprint != fingerprint:
            return _error(422, "idempotency_key_reused",
                          _("This Idempotency-Key was already used for a different request (another method, path "
                            "or body). Send a new key for a new request."))
        if row.response_status is not None:
            return Outcome(status=row.response_status, body=json.loads(row.response_body or "null"), replayed=True)
        # Still running, or abandoned by a process that died: take it over only after the lease.
        taken = IdempotencyKey.objects.filter(pk=row.pk, response_status__isnull=True,
                                              locked_at__lte=now - lease()).update(locked_at=now)
        if taken:
            row.locked_at = now
            return Outcome(row=row)
        return _error(409, "idempotency_key_in_progress",
                      _("A request with this Idempotency-Key is still being processed. Retry in a moment to get "
                        "its answer."))
    return _error(409, "idempotency_key_in_progress",
                  _("A request with this Idempotency-Key is still being processed. Retry in a moment to get its "
                    "answer."))


def _insert_committed(row):
    """INSERT `row` in its own transaction: outside any transaction one autocommitted statement (no BEGIN and COMMIT
    round trips), inside a caller's a savepoint, so a unique violation leaves the caller's transaction usable."""
    if transaction.get_autocommit() and not transaction.get_connection().in_atomic_block:
        row.save(force_insert=True)
        return row
    with transaction.atomic():
        row.save(force_insert=True)
    return row


def claim_for_page(request, *, key, dealer=None, wait_seconds=None) -> Outcome:
    """For an HTML form's one-time token: `claim`, but a request that finds its key still running waits for the first
    one's answer (up to IDEMPOTENCY_PAGE_WAIT_SECONDS), so a double click shows the first submit's result."""
    if wait_seconds is None:
        wait_seconds = getattr(settings, "IDEMPOTENCY_PAGE_WAIT_SECONDS", 15)
    deadline = time.monotonic() + wait_seconds
    while True:
        outcome = claim(scope=scope_of(request, dealer), key=key, fingerprint=fingerprint_of(request),
                        method=request.method.upper(), path=request.get_full_path())
        if outcome.status != 409 or time.monotonic() >= deadline:
            return outcome
        time.sleep(0.1)


def run_once_for_page(request, *, key, action, body_of, dealer=None):
    """Run `action()` once for an HTML form's one-time token `key` (a staff form that moves money: a refund, an
    allocation). Returns ("done", result) when it ran now, ("replayed", first body) when this token already ran it,
    ("reused", None) for the token with other form data, ("running", None) while the first submit still runs. An
    exception (a DomainError the form shows) frees the token, so the corrected form may try again."""
    claimed = claim_for_page(request, key=key, dealer=dealer)
    if claimed.replayed:
        return "replayed", claimed.body
    if claimed.row is None:
        return ("reused" if claimed.status == 422 else "running"), None
    try:
        result = action()
    except BaseException:
        release(claimed.row)
        raise
    complete(claimed.row, status=200, body=body_of(result))
    return "done", result


def complete(row, *, status, body) -> None:
    """Store the final answer of the request that claimed `row`."""
    IdempotencyKey.objects.filter(pk=row.pk).update(
        response_status=status, response_body=json.dumps(body, cls=DjangoJSONEncoder),
        locked_at=None, completed_at=timezone.now())


def release(row) -> None:
    """Let a retry with the same key run again (the request failed in a way that is not final)."""
    IdempotencyKey.objects.filter(pk=row.pk, response_status__isnull=True).delete()


def is_final(status, body) -> bool:
    if status >= 500 or status in RELEASED_STATUSES:
        return False
    code = str((body or {}).get("code", "")) if isinstance(body, dict) else ""
    return "try_again" not in code


def delete_expired(*, now=None) -> int:
    """Delete keys older than the TTL (the daily beat job). Returns how many."""
    now = now or timezone.now()
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lte=now - ttl()).delete()
    return deleted


def idempotent(dealer_of=None):
    """Decorator for a DRF view's `post`: the Idempotency-Key rules above. `dealer_of(view)` gives the dealer acted
    for (default: the view's `actor.dealer` when it has one). The view reads the claimed row's key for its service
    from `request.idempotency_key` (None without a header)."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(view, request, *args, **kwargs):
            from rest_framework.response import Response

            request.idempotency_key = None
            request.idempotency_key_is_new = False
            raw = request.headers.get(HEADER)
            key = (raw or "").strip()
            if not key:
                return method(view, request, *args, **kwargs)
            if len(key) > MAX_LENGTH or not key.isprintable():
                return Response({"code": "idempotency_key_invalid",
                                 "detail": _("The Idempotency-Key must be 1 to %(max)s printable characters.")
                                 % {"max": MAX_LENGTH}}, status=400)
            dealer = dealer_of(view) if dealer_of else getattr(getattr(view, "actor", None), "dealer", None)
            outcome = claim(scope=scope_of(request, dealer), key=key, fingerprint=fingerprint_of(request),
                            method=request.method.upper(), path=request.get_full_path())
            if outcome.row is None:
                response = Response(outcome.body, status=outcome.status)
                if outcome.replayed:
                    response[REPLAYED_HEADER] = "true"
                elif outcome.status == 409:
                    response["Retry-After"] = "1"
                return response
            request.idempotency_key = outcome.service_key
            request.idempotency_key_is_new = outcome.fresh
            try:
                try:
                    response = method(view, request, *args, **kwargs)
                except Exception as exc:  # noqa: BLE001 - DRF's own handling, so a final refusal can be stored
                    response = view.handle_exception(exc)
            except BaseException:
                release(outcome.row)
                raise
            try:
                if is_final(response.status_code, getattr(response, "data", None)):
                    complete(outcome.row, status=response.status_code, body=getattr(response, "data", None))
                else:
                    release(outcome.row)
            except Exception:  # noqa: BLE001 - the work is done; the claim's lease lets a retry find it
                log.exception("Could not store the response of idempotency key %s", outcome.row.pk)
            return response

        return wrapper

    return decorate
