"""The credit box owners and finance users see on their dashboard and at checkout (no query for anyone else)."""
from django import template

from ..services.credit import can_see_credit, credit_status

register = template.Library()


@register.inclusion_tag("payments/_credit_summary.html", takes_context=True)
def credit_summary(context, amount=None):
    """Limit, exposure and available credit of the acting dealer; `amount`: an order total to compare with."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or actor.dealer is None or not can_see_credit(actor):
        return {"status": None}
    status = credit_status(actor.dealer)
    return {"status": status, "amount": amount,
            "over": amount is not None and amount > status.available}
