"""Template helpers of shipping for earlier apps' pages (orders and dealers never import shipping: their templates
load these tags): the header's Shipments link, an order's shipments on the order page, the dashboard's "On the way"
box. Each reads only the acting dealer's shipments (shipping.selectors) and nothing for anyone else."""
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from dealers.permissions import BROWSE, can

from .. import selectors
from ..views.shipments import waybill_url

register = template.Library()
# How many entries of each shipment's timeline the order page shows (the latest; the shipment's page has them all).
SHORT_TIMELINE = 4


def _actor(context):
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or actor.dealer is None or not can(actor, BROWSE):
        return None
    return actor


@register.simple_tag(takes_context=True)
def shipments_nav_link(context):
    """"Shipments" in the header for whoever acts for a dealer (every role sees them); nothing for anyone else.
    Reads no rows: the actor is resolved already."""
    if _actor(context) is None:
        return ""
    return format_html('<a href="{}" class="nav-shipments">{}</a>', reverse("shipping:shipments"), _("Shipments"))


@register.inclusion_tag("shipping/shipments_on_order.html", takes_context=True)
def order_shipments(context, order):
    """Each shipment of the order: status, parcels with their carrier's tracking links, the latest of its timeline,
    its waybill and (for those who see invoices) its invoice. A fixed number of queries."""
    actor = _actor(context)
    if actor is None:
        return {"shipments": []}
    from payments.permissions import can_see_invoices

    shipments = selectors.order_shipments(actor=actor, order=order)
    show_invoices = can_see_invoices(actor)
    rows = []
    for shipment in shipments:
        timeline = selectors.shipment_timeline(shipment=shipment, events=shipment.shown_events)
        rows.append({"shipment": shipment, "timeline": timeline[-SHORT_TIMELINE:],
                     "more": max(len(timeline) - SHORT_TIMELINE, 0), "waybill_url": waybill_url(shipment),
                     "invoice": shipment.invoice if show_invoices and shipment.invoice_id else None})
    return {"shipments": rows}


@register.inclusion_tag("shipping/shipments_on_the_way.html", takes_context=True)
def shipments_on_the_way(context, latest=3):
    """The dashboard's box: how many of the dealer's shipments are on their way, and the latest few."""
    actor = _actor(context)
    if actor is None:
        return {"box": None}
    return {"box": selectors.on_the_way(actor=actor, latest=latest)}
