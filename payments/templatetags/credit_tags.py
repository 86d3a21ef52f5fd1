"""The credit box owners and finance users see on their dashboard and at checkout (no query for anyone else)."""
from django import template

from ..permissions import can_pay_by_card, can_see_credit
from ..services.credit import credit_status

register = template.Library()


@register.inclusion_tag("payments/_credit_summary.html", takes_context=True)
def credit_summary(context, amount=None):
    """Limit, exposure and available credit of the acting dealer; `amount`: an order total to compare with."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or actor.dealer is None or not can_see_credit(actor, actor.dealer):
        return {"status": None}
    status = credit_status(actor.dealer)
    context = {"status": status, "amount": amount, "over": amount is not None and amount > status.available}
    if not status.limit and not status.on_hold:
        # No limit yet: say why on account is not possible and what the dealer can do meanwhile.
        from orders.services.payment_options import usable_alternatives

        context["no_limit"] = True
        context["alternatives"] = usable_alternatives(actor.dealer)
    return context


@register.inclusion_tag("payments/_wire_instructions.html")
def wire_instructions(order):
    """How much of a wire-transfer order is still to be transferred, where to and with which reference."""
    from django.conf import settings

    from orders.models import OrderStatus

    from ..services.wire import wire_outstanding

    waiting = (OrderStatus.PLACED, OrderStatus.PENDING_APPROVAL)
    outstanding = wire_outstanding(order) if order.status in waiting else 0
    return {"order": order, "outstanding": outstanding, "account": settings.INVOICE_BANK_ACCOUNT}


@register.inclusion_tag("payments/_card_payment.html", takes_context=True)
def card_payment(context, order):
    """A card order's payment: its state, and "Pay by card" while it waits for one."""
    from orders.models import PaymentMethod

    if order.payment_method != PaymentMethod.CARD:
        return {}
    from ..models import CardPayment, CardPaymentStatus

    actor = getattr(context.get("request"), "actor", None)
    card = CardPayment.objects.filter(order=order).exclude(status=CardPaymentStatus.STARTED).order_by("-pk").first()
    return {"order": order, "card": card, "can_pay": actor is not None and can_pay_by_card(actor, order)}
