"""The one module that talks to WhatsApp's Business Cloud API (Meta's Graph API): send a text, download a medium.

`client()` builds the class named by the setting WHATSAPP_CLIENT (a dotted path; default `CloudApiClient`), so the
tests replace this one class with a double (`support.testing.RecordingClient`) and nothing else. Every failure comes
out as one `WhatsAppError(message, retryable)`: retryable for a timeout, a connection error, HTTP 429 or 5xx and the
provider's throttling codes; not retryable for anything the provider refuses outright (an expired 24-hour window,
a number not on WhatsApp, a bad token).
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from email.message import Message as MimeHeaders
from urllib.parse import quote

from django.conf import settings
from django.utils.module_loading import import_string

__all__ = ["CloudApiClient", "WhatsAppError", "client"]

# A request gives up after this many seconds (a worker's time limit is far above it).
TIMEOUT_SECONDS = 15
# Media larger than this is not downloaded (the attachment check refuses more than 10 MB anyway).
MAX_MEDIA_BYTES = 16 * 1024 * 1024
# The provider's error codes that mean "too many calls now, try later" (rate limits, spam throttling).
RETRYABLE_CODES = {4, 80007, 130429, 131016, 131048, 131056, 133004}


class WhatsAppError(Exception):
    """A call to WhatsApp that failed: `message` says why (stored on the message as its delivery error),
    `retryable` whether the same call may work later."""

    def __init__(self, message: str, retryable: bool = False):
        super().__init__(message)
        self.message = str(message)
        self.retryable = retryable


def client():
    """An instance of the WHATSAPP_CLIENT class."""
    return import_string(settings.WHATSAPP_CLIENT)()


class CloudApiClient:
    """WhatsApp Business Cloud API over HTTPS with the system user's access token (WHATSAPP_ACCESS_TOKEN) for the
    business phone number WHATSAPP_PHONE_NUMBER_ID, at WHATSAPP_API_BASE."""

    def __init__(self, *, access_token=None, phone_number_id=None, api_base=None, timeout=TIMEOUT_SECONDS):
        self.access_token = access_token if access_token is not None else settings.WHATSAPP_ACCESS_TOKEN
        self.phone_number_id = phone_number_id if phone_number_id is not None else settings.WHATSAPP_PHONE_NUMBER_ID
        self.api_base = (api_base or settings.WHATSAPP_API_BASE).rstrip("/")
        self.timeout = timeout

    # --- the two calls -------------------------------------------------------------------------------------------

    def send_text(self, to_e164: str, body: str) -> str:
        """Send `body` as a text message to `to_e164` (+905321234567); returns the message's wamid."""
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to_e164.lstrip("+"),
                   "type": "text", "text": {"preview_url": False, "body": body}}
        answer = self._json("POST", f"{self.api_base}/{quote(str(self.phone_number_id), safe='')}/messages",
                            payload)
        try:
            return str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError):
            raise WhatsAppError("WhatsApp accepted the message but returned no message id.", retryable=False) from None

    def download_media(self, media_id: str) -> tuple[bytes, str, str]:
        """The bytes, MIME type and file name (may be "") of a medium a dealer sent: first its short-lived URL
        (GET /<media id>), then the bytes from that URL with the same bearer token."""
        meta = self._json("GET", f"{self.api_base}/{quote(str(media_id), safe='')}")
        url = meta.get("url") if isinstance(meta, dict) else None
        if not url or not str(url).startswith("https://"):
            raise WhatsAppError("WhatsApp returned no download address for the medium.", retryable=False)
        if int(meta.get("file_size") or 0) > MAX_MEDIA_BYTES:
            raise WhatsAppError("The medium is larger than the portal downloads.", retryable=False)
        status, headers, content = self._request("GET", str(url), max_bytes=MAX_MEDIA_BYTES)
        mime = (headers.get_content_type() if headers.get("Content-Type") else "") or str(meta.get("mime_type", ""))
        return content, mime, _filename(headers)

    # --- HTTP ---------------------------------------------------------------------------------------------------

    def _json(self, method, url, payload=None) -> dict:
        _status, _headers, content = self._request(method, url, payload=payload)
        try:
            return json.loads(content.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError):
            raise WhatsAppError("WhatsApp answered with something that is not JSON.", retryable=True) from None

    def _request(self, method, url, *, payload=None, max_bytes=1024 * 1024):
        if not self.access_token:
            raise WhatsAppError("WhatsApp is not configured (no access token).", retryable=False)
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"Bearer {self.access_token}", "Accept": "application/json",
            **({"Content-Type": "application/json"} if data is not None else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - https only
                content = response.read(max_bytes + 1)
                if len(content) > max_bytes:
                    raise WhatsAppError("WhatsApp's answer is larger than the portal takes.", retryable=False)
                return response.status, response.headers, content
        except urllib.error.HTTPError as exc:
            raise _http_error(exc) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise WhatsAppError(f"WhatsApp could not be reached: {reason}"[:300], retryable=True) from None


def _http_error(exc: urllib.error.HTTPError) -> WhatsAppError:
    """The provider's refusal as a WhatsAppError: its own message and code when the body says them."""
    try:
        error = json.loads(exc.read(64 * 1024).decode("utf-8")).get("error") or {}
    except Exception:  # noqa: BLE001 - any unreadable body: the HTTP status is all there is
        error = {}
    code = error.get("code") if isinstance(error, dict) else None
    detail = ""
    if isinstance(error, dict):
        data = error.get("error_data") or {}
        detail = (data.get("details") if isinstance(data, dict) else "") or error.get("message") or ""
    message = f"WhatsApp refused the call (HTTP {exc.code}" + (f", code {code}" if code else "") + ")"
    if detail:
        message += f": {detail}"
    retryable = exc.code == 429 or exc.code >= 500 or code in RETRYABLE_CODES
    return WhatsAppError(message[:300], retryable=retryable)


_FILENAME = re.compile(r"[\x00-\x1f\x7f]")


def _filename(headers) -> str:
    """The file name of a Content-Disposition header, "" when none."""
    disposition = headers.get("Content-Disposition") or ""
    if not disposition:
        return ""
    parsed = MimeHeaders()
    parsed["Content-Disposition"] = disposition
    return _FILENAME.sub("", parsed.get_filename() or "")[:200]
