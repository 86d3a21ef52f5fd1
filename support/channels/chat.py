"""Chat adapter (issue 16): being built; until then replies to its tickets go by mail."""
from __future__ import annotations

from ..models import TicketSource
from .base import Adapter


class ChatAdapter(Adapter):
    channel = TicketSource.CHAT

    def can_reach(self, ticket) -> bool:
        return False

    def send_reply(self, *, ticket, message) -> None:
        raise NotImplementedError
