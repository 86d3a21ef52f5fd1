"""Carriers' tracking webhook: `POST /shipping/webhooks/<carrier code>/` (URL name `shipping:webhook`).

The body is JSON, one event or {"events": [...]}; each event has `event_id` (the carrier's own id: a retried call
with the same id is stored once), `tracking_code`, `status` (one of pre_transit, in_transit, out_for_delivery,
delivered, delivery_failed, available_for_pickup, return_to_sender, exception), `occurred_at` (ISO 8601), and
optionally `raw_code`, `message`, `location`, `signed_by` (who signed for a delivery).

The call is signed: `X-Timestamp: <unix seconds>` and `X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>"
with the carrier's webhook secret>` (staff see the secret once, in the carrier's admin page). Answers, always JSON:
202 {"received": n, "duplicates": d} once the events are stored (they are applied right after, by Celery); 401
{"code": "shipping.webhook_unauthorised", ...} for a missing or bad signature, a timestamp more than five minutes
old or ahead, or a carrier that is inactive or has no secret (nothing is stored); 404 for an unknown carrier; 400
{"code": "shipping.bad_tracking_event", "detail", "fields"?} for a body that is not such events. No session, no CSRF:
the signature is the only credential."""
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.errors import DomainError

from ..models import Carrier
from ..services import tracking


def _refused(status, code, detail, **extra):
    return JsonResponse({"code": code, "detail": str(detail), **extra}, status=status)


@csrf_exempt
@require_POST
def webhook(request, carrier):
    found = Carrier.objects.filter(code=carrier, own_truck=False).first()
    if found is None:
        return _refused(404, "not_found", _("No carrier has this code."))
    body = request.body
    try:
        tracking.check_signature(carrier=found, body=body,
                                 signature=request.headers.get(tracking.SIGNATURE_HEADER, ""),
                                 timestamp=request.headers.get(tracking.TIMESTAMP_HEADER, ""))
    except tracking.SignatureRefused as refusal:
        return _refused(401, "shipping.webhook_unauthorised", refusal.message, reason=refusal.reason)
    try:
        events = tracking.parse_events(tracking.read_body(body))
        received = tracking.receive_events(source=tracking.webhook_source(found), carrier=found, events=events)
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.http_status)
    return JsonResponse({"received": received.stored, "duplicates": received.duplicates}, status=202)
