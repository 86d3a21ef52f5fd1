"""`{% load desk_tags %}`: the desk's wording of a ticket (staff read "Waiting on dealer" where the dealer reads
"Waiting on you")."""
from django import template

from ..forms import desk_status_label

register = template.Library()


@register.filter
def desk_status(ticket) -> str:
    """`{{ ticket|desk_status }}`: the ticket's status label for staff."""
    return desk_status_label(ticket.status)
