"""Request middleware of the kernel."""
import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user without a language cookie (a new browser) gets the language saved on the account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = None
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language in dict(settings.LANGUAGES)
        ):
            chosen = user.language
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        if chosen and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, chosen, max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE, samesite="Lax",
            )
        return response


class ControlCharacterMiddleware:
    """Refuses, once and at the edge, a request with control characters where no page expects them: 400.

    A NUL byte or another C0 control character (tab, CR and LF aside in the query string) in the path or the query
    string, and a NUL in a form-encoded or JSON body (PostgreSQL cannot store it) never reach a view, so no view or
    query meets them and none answers 500. The API and any JSON body get JSON with a code; a page gets a short
    translated text.
    Multipart bodies (uploaded files contain NUL bytes) are left to the upload checks."""

    PATH = re.compile(r"[\x00-\x1f\x7f]")
    QUERY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
    BODY_NUL = re.compile(rb"\x00|%00|\\u0000", re.IGNORECASE)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._refused(request):
            return self._bad_request(request)
        return self.get_response(request)

    def _refused(self, request) -> bool:
        if self.PATH.search(request.path):
            return True
        query = request.META.get("QUERY_STRING", "")
        if query and self.QUERY.search(unquote_to_bytes(query.replace("+", " "))):
            return True
        content_type = request.content_type or ""
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return False
        if content_type == "application/x-www-form-urlencoded" or content_type.endswith("json"):
            return bool(self.BODY_NUL.search(request.body))
        if content_type == "multipart/form-data" and not request.path.startswith("/api/"):
            # The text fields of a page's upload form (CSRF parses that form before the view anyway); the files
            # themselves may hold any byte.
            return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.POST.lists())
        return False

    @staticmethod
    def _bad_request(request):
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.html import escape
        from django.utils.translation import get_language
        from django.utils.translation import gettext as _

        message = _("The address or the form contains control characters (such as a NUL byte) that no page accepts.")
        # A machine caller (the API, a carrier's JSON webhook) gets JSON with a code; a browser gets a page.
        if request.path.startswith("/api/") or (request.content_type or "").endswith("json"):
            return JsonResponse({"code": "invalid_characters", "detail": message}, status=400)
        title = _("Bad request")
        return HttpResponseBadRequest(
            f'<!doctype html><html lang="{escape(get_language() or "en")}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1><p>{escape(message)}</p>"
            f'<p><a href="/">{escape(_("Home"))}</a></p></body></html>',
            content_type="text/html; charset=utf-8")


class BusyMiddleware:
    """A page whose service lost a lock race twice (portal.locks.Busy) or hit a deadlock outside the lock helpers
    answers 409 with a clear "try again" page instead of a server error. The API has the same mapping in
    portal.errors.api_exception_handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import HttpResponse
        from django.shortcuts import render
        from django.utils.html import escape

        from .locks import Busy, busy_message, is_lock_conflict

        if not (isinstance(exception, Busy) or is_lock_conflict(exception)):
            return None
        message = str(busy_message())
        try:
            return render(request, "busy.html", {"message": message}, status=409)
        except Exception:  # noqa: BLE001 - the page must not turn a conflict into a server error
            return HttpResponse(f"<p>{escape(message)}</p>", status=409)
