"""Return instructions on orders' pages (orders never imports shipping: its order page loads this tag): where an
approved return's goods go, the reference to write on them, who carries them, and the return shipment with its
return waybill once staff made it (shipping.services.returns.return_instructions). Shown to whoever acts for the
order's dealer; nothing for anyone else."""
from django import template

from dealers.permissions import BROWSE, can

from ..services.returns import return_instructions as instructions_of
from ..services.waybill import waybill_title

register = template.Library()


@register.inclusion_tag("shipping/return_instructions.html", takes_context=True)
def return_instructions(context, rma):
    """The instructions of `rma` (an approved or received return of the acting dealer's order); empty otherwise."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if (actor is None or actor.dealer is None or not can(actor, BROWSE)
            or rma is None or rma.order.dealer_id != actor.dealer.pk):
        return {"instructions": None}
    found = instructions_of(rma)
    waybill = ""
    if found is not None and found.shipment is not None and found.shipment.waybill_number:
        waybill = waybill_title(found.shipment)
    return {"instructions": found, "waybill_title": waybill}
