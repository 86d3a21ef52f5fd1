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
        from django.conf import settings
        from django.urls import get_script_prefix, get_urlconf
        from django.utils.translation import get_language

        if self.per_actor:
            profile = actor_profile(context.get("request"))
            if profile is None:
                return self.nodelist.render(context)
        else:
            profile = None
        key = (self.name, get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, profile,
               *(repr(value.resolve(context)) for value in self.values))
        html = _KEPT.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_KEPT) >= _KEPT_MAX:
                _KEPT.clear()
            _KEPT[key] = html
        return html


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


@receiver(setting_changed)
def _forget_kept(**kwargs):
    """A test that changes a setting (static files, languages, URLs) does not read parts kept before."""
    _KEPT.clear()
