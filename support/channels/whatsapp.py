"""WhatsApp: dealers write to the company's WhatsApp Business number (webhook: support.views.whatsapp), staff answer
on the desk. A reply goes by WhatsApp only within WhatsApp's customer-service window (24 hours after the dealer
user's last WhatsApp message on the ticket); outside it `can_reach` says no and the reply is mailed. The rules live
in support.services.whatsapp; the provider is reached only through support.channels.whatsapp_client."""
from __future__ import annotations

from ..models import TicketSource
from .base import Adapter


class WhatsAppAdapter(Adapter):
    channel = TicketSource.WHATSAPP

    def can_reach(self, ticket) -> bool:
        from ..services import whatsapp

        return whatsapp.can_reach(ticket)

    def send_reply(self, *, ticket, message) -> None:
        """"Sending" now, sent by a task after the commit (support.tasks.send_whatsapp_task)."""
        from ..services import whatsapp

        whatsapp.queue_reply(ticket=ticket, message=message)

    def process_inbound(self, inbound):
        from ..services import whatsapp

        return whatsapp.process_inbound(inbound, patient=False)  # staff wait for it: no "try later"
