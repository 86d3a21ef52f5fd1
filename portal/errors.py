"""One application error (DomainError with a stable code) and its one mapping to HTTP."""
from django.core.exceptions import ValidationError as DjangoValidationError


class DomainError(Exception):
    """Something the user can fix. `code` is stable ("payments.over_credit_limit"); `message` is translated.

    `conflict=True` marks a refusal caused by the current state (409 in the API) rather than by
    invalid input (400). `field` names the input the message belongs to, if any.
    """

    code = "portal.error"
    conflict = False
    # A refusal of who acts, not of what they sent or of the state: the API answers 403 (a role without the right).
    forbidden = False

    def __init__(self, message, *, code=None, field=None, conflict=None, params=None):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.code
        self.field = field
        self.params = params or {}
        if conflict is not None:
            self.conflict = conflict

    @property
    def http_status(self):
        return 403 if self.forbidden else 409 if self.conflict else 400

    def as_dict(self):
        body = {"code": self.code, "detail": str(self.message)}
        if self.field:
            body["fields"] = {self.field: [str(self.message)]}
        return body


def add_to_form(form, exc: DomainError, *, fields=None) -> None:
    """The one way a page shows a DomainError: on the field it names when the form has that field (`fields` maps a
    service's field name to the form's), else above the form."""
    field = (fields or {}).get(exc.field, exc.field)
    form.add_error(field if field in form.fields else None, str(exc.message))


class Conflict(DomainError):
    code = "portal.conflict"
    conflict = True


class Busy(DomainError):
    """A lock race lost twice (portal/locks.py): nothing was saved, try again."""

    code = "portal.busy_try_again"
    conflict = True


class InvalidApiToken(DomainError):
    """A token that cannot be made or used as asked (portal/api_tokens.py)."""

    code = "portal.invalid_api_token"


class UnknownStatus(DomainError):
    """A status that no lifecycle knows (bad input, not a forbidden move)."""

    code = "portal.unknown_status"


def api_exception_handler(exc, context):
    """DRF exception handler: DomainError → 400/409 JSON with a code; the rest as DRF does it."""
    # Imported here: this module is imported by models and services, which must not load DRF's settings.
    from rest_framework.response import Response
    from rest_framework.views import exception_handler

    from .api_auth import count_failed_authentication
    from .locks import busy_message, is_lock_conflict

    # A failed or missing authentication is counted per address; past the rate it answers 429 (portal/api_auth.py).
    exc = count_failed_authentication(exc, context.get("request"))

    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.http_status)
    if is_lock_conflict(exc):  # a deadlock a service's retry did not absorb: "try again", never 500
        busy = Busy(busy_message())
        return Response(busy.as_dict(), status=busy.http_status)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            fields = exc.message_dict
            return Response({"code": "invalid", "detail": first_message(fields), "fields": fields}, status=400)
        return Response({"code": "invalid", "detail": " ".join(exc.messages)}, status=400)
    response = exception_handler(exc, context)
    if response is not None:
        response.data = error_body(response.data, code=str(getattr(exc, "default_code", None) or "error"))
    return response


def error_body(data, *, code) -> dict:
    """Any error DRF made, in the one shape the schema documents: {code, detail, fields?}, detail always a text."""
    if isinstance(data, dict) and isinstance(data.get("code"), str) and isinstance(data.get("detail"), str):
        return data  # already ours
    if isinstance(data, dict) and set(data) == {"detail"}:
        return {"code": code, "detail": first_message(data["detail"])}
    if isinstance(data, dict):  # a serializer's messages per field, nested for nested input
        return {"code": "invalid", "detail": first_message(data), "fields": data}
    return {"code": "invalid" if isinstance(data, list) else code, "detail": first_message(data)}


def first_message(messages) -> str:
    """The first message of a field error structure (a text, a list, or a dict of those, nested)."""
    if isinstance(messages, dict):
        messages = list(messages.values())
    if isinstance(messages, (list, tuple)):
        for item in messages:
            found = first_message(item)
            if found:
                return found
        return ""
    return "" if messages is None else str(messages)
