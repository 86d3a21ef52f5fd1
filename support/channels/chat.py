"""Live chat (issue 16): staff's reply reaches the dealer or visitor on the chat's socket while the chat has not
ended (support/consumers.py); after it ended, replies go by mail (the registry falls back to the mail adapter).

The frame is pushed to the chat's channel layer group right after the reply's commit, read again from the
database; a dead channel layer (Redis) is logged and the message waits in the database for the browser's "resume"
or its HTTP fallback."""
from __future__ import annotations

from django.db import transaction

from ..models import ChatSession, ChatStatus, TicketSource
from .base import Adapter


class ChatAdapter(Adapter):
    channel = TicketSource.CHAT

    def can_reach(self, ticket) -> bool:
        return ChatSession.objects.filter(ticket_id=ticket.pk).exclude(status=ChatStatus.ENDED).exists()

    def send_reply(self, *, ticket, message) -> None:
        from ..services.chat import broadcast, current_origin

        message_pk, origin = message.pk, current_origin()
        transaction.on_commit(lambda: broadcast(message_pk, origin=origin))
