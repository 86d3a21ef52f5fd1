"""`{% load support_tags %}`: support's links on earlier stages' pages (orders, shipping and payments never import
support): "Support" in the header, and "Report a problem" on an order line, a shipment or an invoice, which opens a
new ticket with its links filled in (support:new checks them against the dealer again)."""
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..permissions import may_open_ticket

register = template.Library()


def _actor(context):
    request = context.get("request")
    actor = getattr(request, "actor", None)
    return actor if actor is not None and getattr(actor, "dealer", None) is not None else None


@register.simple_tag(takes_context=True)
def support_nav_link(context):
    """"Support" in the header for whoever acts for a dealer; nothing for anyone else (no row read: a support agent's
    "Home" is the desk, portal.views.home)."""
    if _actor(context) is None:
        return ""
    return format_html('<a href="{}" class="nav-support">{}</a>', reverse("support:tickets"), _("Support"))


@register.simple_tag(takes_context=True)
def report_problem_link(context, order=None, line=None, shipment=None, invoice=None, label=None):
    """"Report a problem" with the links of what it is about: objects or their numbers (a line: itself or its id).
    Nothing for whoever may not open a ticket for the dealer."""
    actor = _actor(context)
    if actor is None or not may_open_ticket(actor):
        return ""
    query = {key: getattr(value, "number", None) or getattr(value, "pk", value)
             for key, value in (("order", order), ("line", line), ("shipment", shipment), ("invoice", invoice))
             if value not in (None, "")}
    if line is not None and "order" not in query and getattr(line, "order_id", None):
        query["order"] = line.order.number
    url = reverse("support:new") + ("?" + urlencode(query) if query else "")
    return format_html('<a href="{}" class="report-problem">{}</a>', url, label or _("Report a problem"))
