"""Small template helpers shared by every app."""
from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver

from portal.money import format_money

register = template.Library()


@register.filter
def get_field(form, name):
    """`form|get_field:"name"`: a bound field by a name held in a variable."""
    return form[name]


@register.filter
def money(amount, currency="TRY"):
    return format_money(amount, currency) if amount is not None else "—"


@register.filter
def qty(value):
    """A quantity as a form value: `10`, `2.5`, `0.335` (never `1E+1`, never a locale's decimal comma)."""
    if value is None or value == "":
        return ""
    try:
        return f"{value.normalize():f}"
    except AttributeError:
        return str(value)



# --- Parts of the page chrome kept per language and actor profile ------------------------------------------------------
# The header's links (templates/includes/nav.html) are the same for every reader with the same language and the same
# "actor profile": signed in or not, and for a dealer's own user its role, whether it is active and its own dealer's
# status (what dealers.permissions.abilities reads). They cost about 0.3 ms of template tags a page. Staff (their
# groups and permissions decide) and agents acting for a dealer are rendered each time; so is anything per user (the
# cart count stays outside the kept parts). Bounded: names × languages × profiles, emptied at _KEPT_MAX.
_KEPT = {}
_KEPT_MAX = 1000


def actor_profile(request):
    """What the kept parts may depend on, or None when they must be rendered for this request."""
    user = getattr(request, "user", None)
    actor = getattr(request, "actor", None)
    if user is None or actor is None:
        return None
    if not user.is_authenticated:
        return ("visitor",)
    if user.is_staff or getattr(actor, "on_behalf", False):
        return None
    dealer = getattr(actor, "dealer", None)
    if dealer is None:
        return ("no dealer", user.is_active)
    return ("dealer user", user.role, user.is_active, user.dealer_id == dealer.pk, dealer.status)


class KeptForActorNode(template.Node):
    """`per_actor`: kept per actor profile (None: rendered each time); else the same for every reader. `values`:
    context variables whose values (their repr) are part of the key as well (settings the page shows)."""

    def __init__(self, nodelist, name, per_actor=True, values=()):
        self.nodelist, self.name, self.per_actor, self.values = nodelist, name, per_actor, values

    def render(self, context):

        if self.per_actor:
            profile = actor_profile(context.get("request"))
            if profile is None:
                return self.nodelist.render(context)
        else:
            profile = None
        key = kept_key(self.name, profile, *(repr(value.resolve(context)) for value in self.values))
        return kept_html(key, lambda: self.nodelist.render(context))


def _kept_tag(parser, token, end, per_actor):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or (per_actor and len(bits) != 2):
        raise template.TemplateSyntaxError(f"{bits[0]} takes one quoted name" + ("" if per_actor else
                                                                                  " and variables"))
    nodelist = parser.parse((end,))
    parser.delete_first_token()
    return KeptForActorNode(nodelist, bits[1][1:-1], per_actor=per_actor,
                            values=[parser.compile_filter(bit) for bit in bits[2:]])


@register.tag
def kept_for_actor(parser, token):
    """`{% kept_for_actor "name" %}…{% endkept_for_actor %}`: the part's HTML kept per name, language and actor profile
    (`actor_profile`). Only for parts that show nothing per user: no CSRF token, no counts, no names."""
    return _kept_tag(parser, token, "endkept_for_actor", per_actor=True)


@register.tag
def kept(parser, token):
    """`{% kept "name" var … %}…{% endkept %}`: the part's HTML kept per name, language, URL prefix and conf, and the
    values of the variables named (the page chrome of templates/base.html: static links, the language list, the
    footer). Only for parts that show nothing per user or request: no CSRF token, no user, no path."""
    return _kept_tag(parser, token, "endkept", per_actor=False)


def kept_key(name, *values) -> tuple:
    from django.conf import settings
    from django.urls import get_script_prefix, get_urlconf
    from django.utils.translation import get_language

    return (name, get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, *values)


def kept_html(key, make) -> str:
    """The HTML kept under `key` (from kept_key: name, language, URL prefix and conf, and what else it depends on),
    made by `make()` the first time. Only for HTML that shows nothing per user or request."""
    html = _KEPT.get(key)
    if html is None:
        html = make()
        if len(_KEPT) >= _KEPT_MAX:
            _KEPT.clear()
        _KEPT[key] = html
    return html


class _UserHole:
    """A signed-in user as the kept user menu is rendered with: its name is a hole filled per request."""

    is_authenticated = True

    def __init__(self, is_staff):
        self.is_staff = is_staff

    def __str__(self):
        return _USER_HOLE


_USER_HOLE, _CSRF_HOLE = "userhole0x7f3a9c", "csrfhole0x7f3a9c"
_USER_MENU = "includes/_user_menu.html"


@register.simple_tag(takes_context=True)
def user_menu(context):
    """The header's user menu (templates/includes/_user_menu.html): kept per language, URL conf, signed in or not and
    staff or not, with the user's name and the CSRF token put in per request (its URL tags and translations cost
    about 0.1 ms a page; issue 18)."""
    from django.template.loader import render_to_string
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    user = context.get("user")
    token = context.get("csrf_token")
    token = str(token) if token is not None else ""
    signed_in = bool(user is not None and user.is_authenticated)
    if signed_in and not (token.isascii() and token.isalnum() and token != "NOTPROVIDED"):
        return render_to_string(_USER_MENU, {"user": user, "csrf_token": token})  # no token: as the template says
    if not signed_in:
        return mark_safe(kept_html(kept_key("user-menu", False, False),  # noqa: S308 (our template's output)
                                   lambda: render_to_string(_USER_MENU, {"user": user})))
    before, between, after = kept_html(
        kept_key("user-menu", True, bool(user.is_staff)),
        lambda: tuple(part for piece in render_to_string(_USER_MENU, {
            "user": _UserHole(bool(user.is_staff)), "csrf_token": _CSRF_HOLE}).split(_USER_HOLE)
            for part in piece.split(_CSRF_HOLE)))
    return mark_safe(f"{before}{conditional_escape(user)}{between}{token}{after}")  # noqa: S308


@receiver(setting_changed)
def _forget_kept(**kwargs):
    """A test that changes a setting (static files, languages, URLs) does not read parts kept before."""
    _KEPT.clear()
