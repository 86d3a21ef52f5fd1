"""WhatsApp's webhook: `/support/webhooks/whatsapp/` (URL name `support:whatsapp_webhook`), no session, no CSRF: the
signature is the only credential (docs/channels.md).

- `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`: Meta's subscription handshake: 200 with the challenge
  as text/plain when the token is WHATSAPP_VERIFY_TOKEN, else 403.
- `POST` (messages and receipts): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with
  WHATSAPP_APP_SECRET>` checked before anything is read: missing or wrong → 403 and nothing stored. A body over the
  cap → 413; not a JSON object (bad JSON, NUL, nesting too deep) → 400 JSON with a code. Else 200
  {"received", "duplicates", "statuses"}: each message stored once (a replayed wamid is a duplicate) and handled.
- The channel off (not configured): 404.
"""
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from portal.errors import DomainError

from ..services import whatsapp


def _refused(status, code, detail):
    return JsonResponse({"code": code, "detail": str(detail)}, status=status)


@csrf_exempt
def whatsapp_webhook(request):
    if not whatsapp.configured():
        raise Http404
    if request.method == "GET":
        challenge = whatsapp.verify_subscription(mode=request.GET.get("hub.mode"),
                                                 token=request.GET.get("hub.verify_token"),
                                                 challenge=request.GET.get("hub.challenge"))
        if challenge is None:
            return HttpResponse(_("The verify token does not match."), status=403, content_type="text/plain")
        return HttpResponse(challenge, content_type="text/plain")
    if request.method != "POST":
        response = _refused(405, "method_not_allowed", _("Use GET or POST."))
        response["Allow"] = "GET, POST"
        return response
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > whatsapp.MAX_BODY_BYTES:
        return _refused(413, "support.whatsapp_too_large", _("The body is too large."))
    body = request.body
    if not whatsapp.check_signature(body=body, signature=request.headers.get(whatsapp.SIGNATURE_HEADER, "")):
        return _refused(403, "support.whatsapp_unauthorised", _("The signature does not match."))
    try:
        received = whatsapp.receive(whatsapp.read_payload(body))
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.http_status)
    return JsonResponse({"received": received.stored, "duplicates": received.duplicates,
                         "statuses": received.statuses})
