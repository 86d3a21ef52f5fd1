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


@register.inclusion_tag("payments/_wire_instructions.html")
def wire_instructions(order):
    """How much of a wire-transfer order is still to be transferred, where to and with which reference."""
    from django.conf import settings

    from ..services.wire import wire_outstanding

    outstanding = wire_outstanding(order) if order.status in ("placed", "pending_approval") else 0
    return {"order": order, "outstanding": outstanding, "account": settings.INVOICE_BANK_ACCOUNT}
