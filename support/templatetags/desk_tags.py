"""`{% load desk_tags %}`: the desk's wording of a ticket (staff read "Waiting on dealer" where the dealer reads
"Waiting on you")."""
from django import template

from ..forms import desk_status_label

register = template.Library()


@register.filter
def desk_status(ticket) -> str:
    """`{{ ticket|desk_status }}`: the ticket's status label for staff."""
    return desk_status_label(ticket.status)


@register.filter
def desk_change(change) -> str:
    """`{{ change|desk_change }}`: a ticket's status change as the history caption, in the desk's wording."""
    from portal.captions import status_change_caption

    return status_change_caption(from_label=desk_status_label(change.from_status) if change.from_status else "",
                                 to_label=desk_status_label(change.to_status), when=change.created_at, by=change.by)
