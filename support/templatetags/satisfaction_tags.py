"""`{% load satisfaction_tags %}{% ticket_satisfaction ticket %}`: a ticket's rating (stars, comment, who and when)
for the dealer's ticket page and the desk; for a dealer's user who may still rate it, the "Rate" button; for staff,
whether it was asked and not rated yet. Nothing otherwise."""
from django import template
from django.urls import reverse

from ..models import Satisfaction
from ..permissions import may_rate_ticket
from ..services import rateable_refusal

register = template.Library()


@register.inclusion_tag("support/_satisfaction.html", takes_context=True)
def ticket_satisfaction(context, ticket):
    rating = getattr(ticket, "_rating", None)
    if rating is None:
        rating = Satisfaction.objects.filter(ticket_id=ticket.pk).select_related("rated_by").first()
    request = context.get("request")
    actor = getattr(request, "actor", None)
    rate_url = ""
    if rating is None and actor is not None and may_rate_ticket(actor, ticket) and rateable_refusal(ticket) is None:
        rate_url = reverse("support:rate", args=[ticket.number])
    is_staff = bool(request is not None and getattr(request.user, "is_staff", False))
    return {"rating": rating, "stars": "★" * rating.rating + "☆" * (5 - rating.rating) if rating else "",
            "rate_url": rate_url, "asked": is_staff and ticket.satisfaction_asked_at is not None}
