"""`{% load chat_tags %}`: the live chat's browser side (issue 16).

`{% chat_widget %}` (templates/base.html): the "Chat with us" button and its panel (static/js/chat.js) for a signed-in
dealer user and for a visitor of the public pages; nothing for staff (an agent acting for a dealer included). It reads
no row: every portal page carries it, and the chat's state comes from `support:chat_state` when the button is opened
(or when the browser remembers an ongoing chat).

`{% desk_chat_panel ticket %}` (templates/support/desk_ticket.html, a chat's ticket only): the agent's live panel
(static/js/desk_chat.js) with accept, hand over, end and follow-up."""
from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import get_language

register = template.Library()


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the chat's server side is not installed: no widget rather than a broken page
        return ""


_URLS = {}


def _chat_urls() -> tuple[str, str]:
    """(state URL, start URL): reversed once per URL prefix and conf (every page carries the widget)."""
    from django.conf import settings
    from django.urls import get_script_prefix, get_urlconf

    key = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    urls = _URLS.get(key)
    if urls is None:
        urls = _URLS[key] = (_url("support:chat_state"), _url("support:chat_start"))
    return urls


def _date_formats() -> dict:
    """How the page writes a time (the language's SHORT_DATETIME_FORMAT, in the portal's time zone), for the
    scripts that add messages to it."""
    datetime_format = formats.get_format("SHORT_DATETIME_FORMAT")
    return {"datetime_format": datetime_format, "time_format": datetime_format.rpartition(" ")[2] or "H:i",
            "time_zone": timezone.get_current_timezone_name()}


def _shows_widget(request) -> tuple[bool, bool]:
    """(shown, for a visitor)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return True, True
    actor = getattr(request, "actor", None)
    dealer = getattr(actor, "dealer", None)
    return bool(dealer is not None and not user.is_staff and not getattr(actor, "on_behalf", False)), False


# The widget's HTML by everything it shows (language, time zone, date format, visitor or dealer, the company's
# address): the same for every reader with those, and every page carries it (its ~30 translated strings cost 0.4 ms a
# page). Bounded: languages × time zones × 2 × 2; nothing per user.
_RENDERED = {}


@register.simple_tag(takes_context=True)
def chat_widget(context):
    request = context.get("request")
    shown, visitor = _shows_widget(request)
    state_url, start_url = _chat_urls()
    company = context.get("company")
    data = {
        "shown": bool(shown and state_url and start_url),
        "visitor": visitor,
        "state_url": state_url,
        "start_url": start_url,
        "company": company,
        **_date_formats(),
    }
    key = (get_language(), data["shown"], visitor, state_url, start_url, data["datetime_format"], data["time_zone"],
           repr(company))
    html = _RENDERED.get(key)
    if html is None:
        html = _RENDERED[key] = render_to_string("support/_chat_widget.html", data)
    return html


@register.inclusion_tag("support/_desk_chat_panel.html", takes_context=True)
def desk_chat_panel(context, ticket):
    from .. import selectors
    from ..services.chat import agents_present

    request = context.get("request")
    me = getattr(request, "user", None)
    chat = selectors.get_chat(number=ticket.number)
    colleagues = []
    if chat is not None and chat.status != "ended":
        colleagues = [presence.user for presence in agents_present().exclude(user_id=getattr(me, "pk", None))
                      .select_related("user").order_by("user__first_name", "user__email")]
    return {
        "ticket": ticket,
        "chat": chat,
        "mine": chat is not None and me is not None and chat.agent_id == me.pk,
        "colleagues": colleagues,
        "ws_url": f"/ws/support/chat/{ticket.number}/",
        "http_base": reverse("support:chat_messages", args=[ticket.number]).removesuffix("messages/"),
        "csrf_token": context.get("csrf_token"),
        **_date_formats(),
    }
