"""Template helpers of invoices: the header's Invoices link."""
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..permissions import can_see_invoices

register = template.Library()


@register.simple_tag(takes_context=True)
def invoices_nav_link(context):
    """"Invoices" for a dealer's owners and finance users (and agents acting for a dealer); nothing for anyone else
    (finance staff open /payments/reconciliation/). Reads no rows: the actor is resolved already."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or not request.user.is_authenticated:
        return ""
    if actor.dealer is not None:
        if can_see_invoices(actor):
            return format_html('<a href="{}" class="nav-invoices">{}</a>', reverse("payments:invoices"), _("Invoices"))
    return ""


@register.simple_tag(takes_context=True)
def order_invoices(context, order):
    """Every invoice of the order, oldest first (one, or one per shipment; void ones too, marked so), for those who
    may see invoices (owners, finance users, agents), else []."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or actor.dealer is None or not can_see_invoices(actor):
        return []
    from ..services.invoices import order_invoices as invoices_of_order

    return invoices_of_order(order)
