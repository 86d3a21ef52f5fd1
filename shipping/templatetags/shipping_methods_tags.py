"""Links to the dealer's shipping methods page (`shipping:methods`) from earlier stages' pages (checkout, the cart,
"My account"): shown to who may see it (a dealer's user who may see prices, an agent acting for a dealer)."""
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..permissions import can_quote_shipping

register = template.Library()


@register.simple_tag(takes_context=True)
def shipping_methods_link(context, text=None, link_id="shipping-methods-link"):
    """A link to the shipping methods page, or "" for someone who may not see it (reads no rows)."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or not can_quote_shipping(actor):
        return ""
    return format_html('<a href="{}" id="{}">{}</a>', reverse("shipping:methods"), link_id,
                       text or _("Shipping methods, rates and insurance in detail"))


@register.inclusion_tag("shipping/_methods_card.html", takes_context=True)
def shipping_methods_card(context):
    """The "Shipping methods" entry of a dealer's account page (nothing for who may not see it)."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    return {"show": actor is not None and can_quote_shipping(actor)}
