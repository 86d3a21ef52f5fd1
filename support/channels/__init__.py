"""Support's channels (issue 16): every conversation is a ticket, whichever way it came in (portal, mail, live chat,
WhatsApp, phone), and staff's public reply goes back the way the dealer last wrote.

One adapter per channel (support/channels/<name>.py), registered in ADAPTERS. The desk never talks to a channel
itself: `desk.staff_reply` calls `deliver_reply`, which picks the adapter (`reply_channel`) and hands it the reply
inside the reply's transaction. An internal note never gets here (`deliver_reply` refuses one), so no channel can
carry it out. Adding a messaging channel (Telegram, a Facebook page) is one new adapter module and one line in
ADAPTERS; see support/channels/base.py for the interface.
"""
from __future__ import annotations

from ..models import Message, MessageKind, TicketSource
from .base import Adapter, NotForDealer

__all__ = ["ADAPTERS", "Adapter", "adapter", "deliver_reply", "reply_channel"]

# Channel → adapter (class path, imported on first use so that no provider's client loads before it is needed).
ADAPTERS: dict[str, str] = {
    TicketSource.MAIL: "support.channels.mail.MailAdapter",
    TicketSource.CHAT: "support.channels.chat.ChatAdapter",
    TicketSource.WHATSAPP: "support.channels.whatsapp.WhatsAppAdapter",
}
# Tickets from the portal, the API, a delivery report or staff are answered by mail (with the portal link).
DEFAULT = TicketSource.MAIL

_loaded: dict[str, Adapter] = {}


def adapter(channel: str) -> Adapter:
    """The adapter of `channel` (the mail adapter for a channel without one of its own)."""
    from django.utils.module_loading import import_string

    path = ADAPTERS.get(channel) or ADAPTERS[DEFAULT]
    if path not in _loaded:
        _loaded[path] = import_string(path)()
    return _loaded[path]


def reply_channel(ticket) -> str:
    """The channel staff's reply goes out by: the one the dealer last wrote by (its last message not from staff),
    else the ticket's own channel, when that channel's adapter can reach the dealer now; else mail."""
    last = (Message.objects.filter(ticket=ticket, from_staff=False).exclude(kind=MessageKind.NOTE)
            .order_by("-created_at", "-pk").values_list("via", flat=True).first())
    for channel in (last, ticket.source):
        if channel in ADAPTERS and adapter(channel).can_reach(ticket):
            return channel
    return DEFAULT


def deliver_reply(*, ticket, message) -> str:
    """Send staff's public reply `message` to the dealer by `reply_channel(ticket)`, inside the reply's transaction
    (the adapter defers whatever talks to the outside until the commit). Stamps the message's `via` with the channel
    it went by and returns it. An internal note is refused here, whatever the caller."""
    if message.kind == MessageKind.NOTE:
        raise NotForDealer("An internal note never leaves the desk.")
    channel = reply_channel(ticket)
    adapter(channel).send_reply(ticket=ticket, message=message)
    if message.via != channel:
        message.via = channel
        Message.objects.filter(pk=message.pk).update(via=channel)
    return channel
