"""What the OpenAPI document (drf-spectacular) says beyond each view's own annotations, so that it stays true.

Every error of the API comes from one place, `portal.errors.api_exception_handler`, in one shape:
`{"code": "...", "detail": "...", "fields": {...}?}`. The postprocessing hook documents exactly that body as the
`Error` component and lists it for every status the handler answers with on every operation, keeping a view's own
description of a status where it gave one.
"""
from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema

# The statuses any operation may answer with an error body: bad input, no or bad token, a missing scope or role,
# no such object (or not yours), a method or media type the operation does not take, a conflict with the current
# state, a refused rule, too many requests.
ERROR_STATUSES = {
    "400": "Invalid input: `detail` says what, `fields` which input (per field a list of messages; nested input "
           "has the same shape per nested field or per line).",
    "401": "No token or session, or an invalid, revoked or inactive token.",
    "403": "Missing scope or role, or the company is not approved.",
    "404": "No such object (or not one of yours).",
    "405": "The operation does not take this method.",
    "406": "The response cannot be given in the asked media type.",
    "409": "Refused by the current state, e.g. a duplicate or an order that has moved on.",
    "415": "The request body's media type is not accepted.",
    "422": "Refused by a business rule.",
    "429": "Too many requests; `Retry-After` says when to try again.",
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error of the API, from its one exception handler.",
    "properties": {
        "code": {"type": "string", "description": "Stable error code, e.g. `dealers.duplicate_tax_number`, "
                                                   "`invalid`, `not_found`, `permission_denied`, `throttled`."},
        "detail": {"type": "string", "description": "A message for a person, in the request's language."},
        "fields": {
            "type": "object",
            "additionalProperties": {},
            "description": "Messages per input field: a list of messages, or for nested input the same shape per "
                           "nested field (an object) or per line (a list).",
        },
    },
    "required": ["code", "detail"],
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def document_errors(result, generator, request, public):
    """SPECTACULAR_SETTINGS POSTPROCESSING_HOOKS: the one error body on every operation and every error status."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                given = responses.get(status) or {}
                responses[status] = {
                    "description": given.get("description") or description,
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
    return result


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, true to fields that may be blank: a URL or e-mail model field with `blank=True`
    answers "" as often as an address, read-only too (drf-spectacular allows "" only for input with allow_blank)."""

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if schema.get("type") == "string" and "format" in schema and may_be_blank(field):
            outer = {"readOnly", "writeOnly", "nullable", "deprecated", "description", "title"}
            inner = {key: schema.pop(key) for key in list(schema) if key not in outer}
            schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]


def may_be_blank(field) -> bool:
    """Input that may be "", or output of a model field with blank=True (DRF drops allow_blank on read-only fields)."""
    if getattr(field, "allow_blank", False):
        return True
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    if model is None or not field.read_only or not isinstance(field.source, str) or "." in field.source:
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:
        return False
