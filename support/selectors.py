"""Reads of support shared by pages and API."""


# --- The dealer's tickets (H-TICKETS) -------------------------------------------------------------------------------

def tickets_of(*, actor):
    """The tickets the actor sees on the dealer's pages and API: its dealer's, by role (owners all, finance users the
    invoice tickets and their own, everyone the ones they opened; an agent acting for the dealer all). Nothing
    without a dealer (staff work on the desk): another dealer's ticket is a 404."""
    from django.db.models import Q

    from dealers.models import Role

    from .models import Ticket

    dealer = getattr(actor, "dealer", None)
    if dealer is None or not dealer.is_approved:
        return Ticket.objects.none()
    rows = Ticket.objects.filter(dealer=dealer)
    if getattr(actor, "on_behalf", False):
        return rows
    user = actor.user
    if not getattr(user, "is_active", False) or user.dealer_id != dealer.pk:
        return Ticket.objects.none()
    if user.role == Role.OWNER:
        return rows
    if user.role == Role.FINANCE:
        return rows.filter(Q(opened_by=user) | Q(category="invoice"))
    return rows.filter(opened_by=user)


def list_tickets(*, actor, status=None, query: str = ""):
    """The actor's tickets (tickets_of), newest first, by status and a word of the subject or the number."""
    from .models import TicketStatus

    rows = tickets_of(actor=actor).select_related("order", "shipment", "invoice", "opened_by")
    if status in TicketStatus.values:
        rows = rows.filter(status=status)
    query = (query or "").strip()
    if query:
        from django.db.models import Q

        rows = rows.filter(Q(subject__icontains=query) | Q(number__iexact=query))
    return rows.order_by("-created_at", "-pk")


def get_ticket(*, actor, number):
    """One of the actor's tickets by its number; 404 for anyone else's."""
    from django.http import Http404

    ticket = (tickets_of(actor=actor).select_related("order", "order_line", "shipment", "invoice", "opened_by",
                                                      "follows", "team").filter(number=number).first())
    if ticket is None:
        raise Http404
    return ticket


def dealer_conversation(*, ticket):
    """The replies of a ticket the dealer reads, oldest first, with their files: never an internal note."""
    from django.db.models import Prefetch

    from .models import Attachment, MessageKind

    return (ticket.messages.filter(kind=MessageKind.REPLY).select_related("author")
            .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
            .order_by("created_at", "pk"))

