"""The header's cart link: the line count for those who may fill a cart, no query for anyone else."""
from django import template

from portal.cache import request_value
from portal.templatetags.portal_tags import kept_html, kept_key
from portal.templatetags.portal_tags import qty as portal_qty

from ..permissions import can_use_cart
from ..selectors import cart_count_key, count_cart_lines

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_line_count(context):
    """The number of lines in the actor's cart, or None when the actor may not use a cart (then nothing is read)."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or not can_use_cart(actor):
        return None
    count = getattr(request, "_cart_line_count", None)
    if count is None:
        count = request_value(request, cart_count_key(user_id=actor.user.pk, dealer_id=actor.dealer.pk))
        if count is None:
            count = count_cart_lines(actor=actor)
        request._cart_line_count = count
    return count


@register.simple_tag(takes_context=True)
def nav_cart_links(context):
    """The header's quick order and cart links (templates/orders/_nav_cart_links.html) for whoever may fill a cart,
    kept per language, URL conf and count (issue 18: two URL tags, an include and a plural a page)."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    count = cart_line_count(context)
    if count is None:
        return ""
    html = kept_html(kept_key("nav-cart-links", count),
                     lambda: render_to_string("orders/_nav_cart_links.html", {"count": count}))
    return mark_safe(html)  # noqa: S308 (our template's output)


@register.simple_tag
def shipping_method_name(code, label=""):
    """A shipping method's name in the active language (a page's reader, a mail's recipient), through
    orders.shipping_method_name; `label` (the name stored on the order) for a method that is gone."""
    from ..hooks import method_name

    return method_name(code, label=label)


# `qty` lives in portal_tags: catalog pages need it too.
register.filter("qty", portal_qty)
