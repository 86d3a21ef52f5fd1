"""Live chat over HTTP (issue 16): the widget's state, starting a chat, the fallback when the socket fails, and the
desk's chat actions (duty, accept, hand over, end, follow up) and its chat panel. The protocol is documented in
support/consumers.py; the rules are support.services.chat's."""
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.errors import DomainError

from .. import permissions, selectors
from ..errors import ChatUnavailable
from ..models import ChatSession, ChatStatus
from ..services import chat
from .desk import desk_only

START_WINDOW = 600  # seconds


# --- helpers -----------------------------------------------------------------------------------------------------------

def _ws_url(request, number) -> str:
    scheme = "wss" if request.is_secure() else "ws"
    return f"{scheme}://{request.get_host()}/ws/support/chat/{number}/"


def _visitor_key(request) -> str:
    return chat.read_visitor_cookie(request.COOKIES)


def _dealer_user(request):
    """The signed-in dealer user acting for their own dealer, else None."""
    user = request.user
    actor = getattr(request, "actor", None)
    if user.is_authenticated and user.dealer_id is not None and actor is not None and not actor.on_behalf:
        return user
    return None


def _ticket_url(request):
    actor = getattr(request, "actor", None)
    if actor is not None and permissions.may_open_ticket(actor):
        return reverse("support:new")
    return None


def _chat_json(request, session) -> dict:
    return {"number": session.ticket.number, "status": session.status, "ws_url": _ws_url(request, session.ticket.number),
            "agent": chat.status_frame(session)["agent"],
            "messages": [chat.frame_of(m) for m in chat.public_messages(session.ticket)]}


def _error(exc: DomainError, **extra) -> JsonResponse:
    body = {"error": str(exc.message), **extra}
    if exc.field:
        body["field"] = exc.field
    return JsonResponse(body, status=exc.http_status)


def _callers_chat(request, number):
    """The chat `number` when the caller may join it (the socket's rule), else 404 (missing and foreign alike)."""
    session = selectors.get_chat(number=number)
    user = request.user if request.user.is_authenticated else None
    if session is None or not permissions.may_join_chat(user, session, visitor_key=_visitor_key(request)):
        raise Http404
    return session


# --- the widget ----------------------------------------------------------------------------------------------------

@require_GET
def chat_state(request):
    state = chat.availability()
    user = _dealer_user(request)
    session = chat.chat_of(user=user) if user is not None else (
        None if request.user.is_authenticated else chat.chat_of(visitor_key=_visitor_key(request)))
    return JsonResponse({"available": state.available, "reason": state.reason,
                         "chat": _chat_json(request, session) if session is not None else None,
                         "ticket_url": _ticket_url(request)})


def _over_start_limit(request) -> bool:
    """At most SUPPORT_CHAT_STARTS_PER_10_MIN starts per session and per address in 10 minutes (the cache fails
    open: with Redis down nobody is limited)."""
    limit = settings.SUPPORT_CHAT_STARTS_PER_10_MIN
    keys = [f"support:chat-start:ip:{request.META.get('REMOTE_ADDR', '')}"]
    if request.session.session_key:
        keys.append(f"support:chat-start:session:{request.session.session_key}")
    over = False
    for key in keys:
        cache.add(key, 0, START_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired (or no cache) between add and incr
            count = 1
        over = over or (count or 0) > limit
    return over


@require_POST
def chat_start(request):
    user = _dealer_user(request)
    if request.user.is_authenticated and user is None:
        return JsonResponse({"error": _("Sales agents and staff use the support desk or the phone, not the chat.")},
                            status=403)
    existing = chat.chat_of(user=user) if user is not None else chat.chat_of(visitor_key=_visitor_key(request))
    if existing is not None:  # one chat at a time: the message goes into the ongoing one
        try:
            chat.post_message(session=existing, user=user, body=request.POST.get("body"),
                              visitor_key=existing.visitor_key if user is None else "")
        except DomainError as exc:
            return _error(exc)
        data = _chat_json(request, existing)
        return JsonResponse({"number": data["number"], "ws_url": data["ws_url"], "messages": data["messages"]},
                            status=200)
    if _over_start_limit(request):
        return JsonResponse({"error": _("You started several chats just now. Please wait a few minutes.")},
                            status=429)
    key = "" if user is not None else (_visitor_key(request) or chat.new_visitor_key())
    try:
        session = chat.start_chat(actor=request.actor if user is not None else None, body=request.POST.get("body"),
                                  name=request.POST.get("name", ""), email=request.POST.get("email", ""),
                                  visitor_key=key, language=getattr(request, "LANGUAGE_CODE", None))
    except ChatUnavailable as exc:
        return _error(exc, reason=exc.reason, ticket_url=_ticket_url(request))
    except DomainError as exc:
        return _error(exc)
    data = _chat_json(request, session)
    response = JsonResponse({"number": data["number"], "ws_url": data["ws_url"], "messages": data["messages"]},
                            status=201)
    if user is None:
        response.set_cookie(chat.VISITOR_COOKIE, chat.sign_visitor_key(key), max_age=chat.VISITOR_COOKIE_AGE,
                            httponly=True, samesite="Lax", secure=not settings.DEBUG)
    return response


@require_GET
def chat_messages(request, number):
    session = _callers_chat(request, number)
    frames = [chat.frame_of(m) for m in chat.public_messages(session.ticket, after=request.GET.get("after"))[:500]]
    status = chat.status_frame(session)
    return JsonResponse({"status": status["status"], "agent": status["agent"], "messages": frames})


@require_POST
def chat_send(request, number):
    session = _callers_chat(request, number)
    user = request.user if request.user.is_authenticated else None
    if user is not None and permissions.is_support_agent(user):
        chat.heartbeat(user=user)
    try:
        posted = chat.post_message(session=session, user=user, body=request.POST.get("body"),
                                   client_id=request.POST.get("client_id", ""), visitor_key=_visitor_key(request))
    except DomainError as exc:
        return _error(exc)
    return JsonResponse({"message": chat.frame_of(posted.message)}, status=201 if posted.created else 200)


@require_POST
def chat_end(request, number):
    """The dealer or visitor ends their chat (the widget's "End chat")."""
    session = _callers_chat(request, number)
    chat.end_chat(actor=request.user if request.user.is_authenticated else None, session=session)
    return JsonResponse({"status": ChatStatus.ENDED})


# --- the desk --------------------------------------------------------------------------------------------------------

def agents_only(view):
    """The desk's rule (`desk_only`: support agents; signed out → sign in, anyone else → 404), and each request is
    the agent's heartbeat."""
    @wraps(view)
    def heard(request, *args, **kwargs):
        chat.heartbeat(user=request.user)
        return view(request, *args, **kwargs)
    return desk_only(heard)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _desk_answer(request, *, ok_message="", error=None, then=None):
    """JSON for the desk's scripts (Accept: application/json), the chat panel for htmx, else a redirect with a
    message (to `then`, the chats page by default)."""
    if _wants_json(request):
        if error is not None:
            return _error(error)
        return JsonResponse({"ok": True, "message": ok_message})
    if error is not None:
        messages.error(request, str(error.message))
    elif ok_message:
        messages.success(request, ok_message)
    if request.headers.get("HX-Request") and error is None and then is None:
        return _desk_chats_page(request)
    return redirect(then or reverse("support:desk_chats"))


@require_GET
@agents_only
def desk_chats(request):
    """The chat panel: waiting chats and mine, duty on/off (polled by the desk: the agent's heartbeat)."""
    return _desk_chats_page(request)


def _desk_chats_page(request):
    context = selectors.desk_chats(user=request.user)
    return render(request, "support/desk_chats.html", {**context, "fragment": bool(request.headers.get("HX-Request"))})


@require_POST
@agents_only
def desk_duty(request):
    on = request.POST.get("on") in ("1", "true", "on")
    try:
        chat.set_on_duty(actor=request.user, on=on)
    except DomainError as exc:
        return _desk_answer(request, error=exc)
    return _desk_answer(request, ok_message=_("You take chats now.") if on else _("You no longer take chats."))


def _desk_chat(number) -> ChatSession:
    session = selectors.get_chat(number=number)
    if session is None:
        raise Http404
    return session


@require_POST
@agents_only
def desk_chat_accept(request, number):
    session = _desk_chat(number)
    try:
        chat.accept(actor=request.user, session=session)
    except DomainError as exc:
        return _desk_answer(request, error=exc)
    return _desk_answer(request, ok_message=_("The chat is yours."),
                        then=None if _wants_json(request) else reverse("support:desk_ticket", args=[number]))


@require_POST
@agents_only
def desk_chat_handover(request, number):
    from django.contrib.auth import get_user_model

    session = _desk_chat(number)
    raw = str(request.POST.get("agent", ""))
    to = get_user_model().objects.filter(pk=int(raw)).first() if raw.isdecimal() and len(raw) < 12 else None
    try:
        chat.hand_over(actor=request.user, session=session, to=to)
    except DomainError as exc:
        return _desk_answer(request, error=exc)
    return _desk_answer(request, ok_message=_("The chat was handed over."))


@require_POST
@agents_only
def desk_chat_end(request, number):
    session = _desk_chat(number)
    chat.end_chat(actor=request.user, session=session)
    return _desk_answer(request, ok_message=_("The chat has ended."))


@require_POST
@agents_only
def desk_chat_follow_up(request, number):
    session = _desk_chat(number)
    try:
        ticket = chat.follow_up(actor=request.user, session=session)
    except DomainError as exc:
        return _desk_answer(request, error=exc)
    return _desk_answer(request, ok_message=_("The chat ended; its ticket stays open for you."),
                        then=None if _wants_json(request) else reverse("support:desk_ticket", args=[ticket.number]))
