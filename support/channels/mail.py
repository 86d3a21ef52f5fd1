"""Mail: staff's reply is mailed to the dealer's people with the ticket's signed reply address (so that the
dealer's answer by mail threads back: support.services.mail_intake)."""
from __future__ import annotations

from ..models import TicketSource
from .base import Adapter


class MailAdapter(Adapter):
    channel = TicketSource.MAIL

    def can_reach(self, ticket) -> bool:
        return True

    def send_reply(self, *, ticket, message) -> None:
        from ..services.desk import notify_dealer_of_reply

        notify_dealer_of_reply(ticket=ticket, message=message)
