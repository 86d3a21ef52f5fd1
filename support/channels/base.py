"""The interface of a support channel adapter.

An adapter carries a ticket's conversation over one channel. Inbound, it turns what the channel delivers (a mail, a
webhook call, a WebSocket frame) into `support.services.tickets` calls: a known dealer user's message opens a ticket
or lands on one (`open_ticket`, `reply`), an unknown sender's goes to quarantine (`InboundMessage`, status
"quarantined"), each message taken once (unique ids on InboundMessage and Message). Outbound, the desk hands it
staff's public replies through `support.channels.deliver_reply`:

    class MyAdapter(Adapter):
        channel = TicketSource.MY                 # a TicketSource value

        def can_reach(self, ticket) -> bool:       # can a reply reach the dealer this way now?
            ...
        def send_reply(self, *, ticket, message):  # inside the reply's transaction: defer I/O to on_commit
            ...

`send_reply` must not call the outside inside the transaction: it enqueues a task (`portal.queue`) or uses
`transaction.on_commit`, and records delivery receipts on the message (`Message.delivery_status`).

A channel whose messages are stored before they are handled (WhatsApp; mail has its own intake) also implements
`process_inbound(inbound)`: it (re-)runs the matching of a stored InboundMessage (its sender to a dealer user, then
thread or open a ticket, else quarantine) and returns the row. Staff's "release as new contact" calls it through
`support.channels.adapter(inbound.channel).process_inbound(inbound)` after creating the user. Optional: the base
class raises NotImplementedError.
"""
from __future__ import annotations


class NotForDealer(Exception):
    """An internal note (or anything staff-only) offered to a channel."""


class Adapter:
    channel: str = ""

    def can_reach(self, ticket) -> bool:
        raise NotImplementedError

    def send_reply(self, *, ticket, message) -> None:
        raise NotImplementedError

    def process_inbound(self, inbound):
        """Handle a stored InboundMessage of this channel again (optional; see the module doc)."""
        raise NotImplementedError
