"""The cross-channel guarantee (issue 16): what staff write for staff — an internal note, a phone call's notes — never
leaves the desk, whichever channel the ticket came in by (mail, live chat, WhatsApp, phone, the portal): no outbox
mail holds it (context, subject, text or HTML), `channels.deliver_reply` refuses a note, the dealer's page and API do
not show it, the chat socket's group never carries it and the WhatsApp client double is never handed it. A public
reply written right after it does reach the dealer by that channel (so each check looks where things do go).

And the SLA of a phone call: a logged call stops the first-response clock; an incoming call on a ticket waiting on
the dealer resumes its clocks."""
import datetime as dt
import json

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification
from portal.outbox import render_notification
from portal.testing import actor_of
from support import channels
from support.channels.base import NotForDealer
from support.models import Message, MessageKind, TicketSource
from support.services import calls, chat, desk, open_ticket, recompute_due, whatsapp
from support.services.sla import ISTANBUL
from support.testing import (
    RecordingClient,
    TicketFactory,
    open_for_chat,
    support_agent_user,
    whatsapp_payload,
    whatsapp_text,
)

pytestmark = pytest.mark.django_db

NOTE = "NOTE-NEVER-LEAVES: the dealer is on credit hold"
CALL_NOTES = "CALL-NOTES-NEVER-LEAVE: asked for a discount we refused"
PUBLIC = "Your new panel leaves today."
WHATSAPP_SETTINGS = {"WHATSAPP_APP_SECRET": "app-secret-for-tests", "WHATSAPP_VERIFY_TOKEN": "verify",
                     "WHATSAPP_ACCESS_TOKEN": "token", "WHATSAPP_PHONE_NUMBER_ID": "1234567890",
                     "WHATSAPP_CLIENT": "support.testing.RecordingClient"}
NUMBER = "905321234567"


@pytest.fixture
def support_agent(db):
    return support_agent_user(first_name="Deniz", last_name="Destek")


@pytest.fixture
def whatsapp_on(settings):
    for name, value in WHATSAPP_SETTINGS.items():
        setattr(settings, name, value)
    RecordingClient.reset()
    yield
    RecordingClient.reset()


@pytest.fixture
def dealer_user(owner):
    owner.phone = "0532 123 45 67"
    owner.language = "en"
    owner.save()
    return owner


def _ticket_of(channel, *, owner, agent, client):
    """A ticket that came in by `channel`, in the state where that channel reaches the dealer now."""
    if channel == TicketSource.WEB:
        return open_ticket(actor=actor_of(owner), subject="Broken panel", body="One panel is broken.",
                           category="product")
    if channel == TicketSource.MAIL:
        return open_ticket(actor=actor_of(owner), subject="Broken panel", body="One panel is broken.",
                           category="product", source=TicketSource.MAIL)
    if channel == TicketSource.PHONE:
        return calls.open_ticket_from_call(
            actor=agent, dealer=owner.dealer, caller=owner, subject="Broken panel", category="product",
            direction="inbound", started_at=timezone.now() - dt.timedelta(minutes=5), duration_seconds=180,
            notes=CALL_NOTES)
    if channel == TicketSource.CHAT:
        open_for_chat(agent)
        return chat.start_chat(actor=actor_of(owner), body="One panel is broken.", language="en").ticket
    if channel == TicketSource.WHATSAPP:
        body = json.dumps(whatsapp_payload(whatsapp_text(NUMBER, "One panel is broken.", "wamid.NOTES1"),
                                           names={NUMBER: "Ayşe"})).encode()
        answer = client.generic("POST", "/support/webhooks/whatsapp/", body, content_type="application/json",
                                HTTP_X_HUB_SIGNATURE_256=whatsapp.sign(body))
        assert answer.status_code == 200
        return Message.objects.get(external_id="wamid.NOTES1").ticket
    raise AssertionError(channel)


class ChatGroupListener:
    """A channel on the chat's channel layer group: what a dealer's chat socket would receive."""

    def __init__(self, session):
        from channels.layers import get_channel_layer

        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(chat.group_name(session), self.channel)

    def frames(self) -> list:
        import asyncio

        async def drain():
            found = []
            while True:
                try:
                    found.append(await asyncio.wait_for(self.layer.receive(self.channel), timeout=1))
                except TimeoutError:
                    return found

        return async_to_sync(drain)()


def _mails_text() -> str:
    """Everything the outbox holds: each mail's context and its rendered subject, text and HTML."""
    parts = []
    for row in Notification.objects.order_by("pk"):
        parts.append(json.dumps(row.context, default=str))
        parts.extend(render_notification(row))
    return "\n".join(parts)


@pytest.mark.parametrize("channel", [TicketSource.MAIL, TicketSource.CHAT, TicketSource.WHATSAPP, TicketSource.PHONE,
                                     TicketSource.WEB])
def test_staff_only_text_never_leaves_by_any_channel(channel, dealer_user, support_agent, client, whatsapp_on,
                                                     session_api_client, django_capture_on_commit_callbacks):
    ticket = _ticket_of(channel, owner=dealer_user, agent=support_agent, client=client)
    assert ticket.source == channel
    listener = ChatGroupListener(ticket.chat) if channel == TicketSource.CHAT else None
    with django_capture_on_commit_callbacks(execute=True):
        note = desk.add_note(actor=support_agent, ticket=ticket, body=NOTE)
        calls.log_call(actor=support_agent, ticket=ticket, direction="outbound",
                       started_at=timezone.now() - dt.timedelta(minutes=1), duration_seconds=60, notes=CALL_NOTES)
    # A public reply goes out the ticket's way (WhatsApp: sent by its task, run here in the test's process).
    with django_capture_on_commit_callbacks(execute=channel != TicketSource.WHATSAPP):
        reply = desk.staff_reply(actor=support_agent, ticket=ticket, body=PUBLIC)
    reply.refresh_from_db()
    expected_way = channel if channel in (TicketSource.CHAT, TicketSource.WHATSAPP) else TicketSource.MAIL
    assert reply.via == expected_way

    # 1. The adapters' door: a note is refused, whoever asks.
    with pytest.raises(NotForDealer):
        channels.deliver_reply(ticket=ticket, message=note)
    # 2. Mail: no outbox row holds it; the reply was mailed when mail is the way.
    mails = _mails_text()
    assert NOTE not in mails and CALL_NOTES not in mails
    assert (PUBLIC in mails) == (expected_way == TicketSource.MAIL)
    # 3. WhatsApp: the client is handed the reply only.
    for message in Message.objects.filter(ticket=ticket).order_by("pk"):
        whatsapp.send_message(message_id=message.pk)
    sent = json.dumps(RecordingClient.sent)
    assert NOTE not in sent and CALL_NOTES not in sent
    assert [m["body"] for m in RecordingClient.sent] == ([PUBLIC] if channel == TicketSource.WHATSAPP else [])
    # 4. The chat socket: its group carried the reply, never the note or the call's notes.
    if listener is not None:
        frames = json.dumps(listener.frames())
        assert PUBLIC in frames and NOTE not in frames and CALL_NOTES not in frames
        public = " ".join(m.body for m in chat.public_messages(ticket))
        assert PUBLIC in public and NOTE not in public
        chat.end_chat(actor=dealer_user, session=ticket.chat)  # a transcript or "chat ended" mail holds no note
        mails = _mails_text()
        assert NOTE not in mails and CALL_NOTES not in mails
    # 5. The dealer's page and API: the reply and the call (who and how long), never the note or the call's notes.
    client.force_login(dealer_user)
    page = client.get(reverse("support:ticket", args=[ticket.number])).content.decode()
    assert PUBLIC in page and "Phone call with Deniz, 1 min" in page
    assert NOTE not in page and CALL_NOTES not in page
    answer = session_api_client(dealer_user).get(reverse("api:me-ticket", args=[ticket.number]))
    assert answer.status_code == 200
    text = answer.content.decode()
    assert PUBLIC in text and NOTE not in text and CALL_NOTES not in text
    assert answer.json()["channel"] == channel
    # The desk shows both to staff.
    client.force_login(support_agent)
    desk_page = client.get(reverse("support:desk_ticket", args=[ticket.number])).content.decode()
    assert NOTE in desk_page and CALL_NOTES in desk_page
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.NOTE).count() == 1


# --- the SLA of a phone call ---------------------------------------------------------------------------------------

def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=ISTANBUL)


def test_a_logged_call_stops_the_first_response_clock_and_an_incoming_call_resumes_a_waiting_ticket(
        owner, support_agent):
    ticket = TicketFactory(dealer=owner.dealer, opened_by=owner, created_at=at("2026-01-12 09:00"))  # a Monday
    recompute_due(ticket=ticket)
    assert ticket.first_response_due == at("2026-01-12 17:00")
    with time_machine.travel(at("2026-01-12 11:00"), tick=False):
        calls.log_call(actor=support_agent, ticket=ticket, direction="outbound", started_at=at("2026-01-12 10:50"),
                       duration_seconds=120)
        desk.move(actor=support_agent, ticket=ticket, to="waiting_on_dealer")
    ticket.refresh_from_db()
    assert ticket.first_responded_at == at("2026-01-12 10:50") and ticket.paused_at == at("2026-01-12 11:00")
    assert ticket.resolution_due == at("2026-01-14 18:00")  # as if the pause ended at once
    with time_machine.travel(at("2026-01-12 15:00"), tick=False):  # the dealer calls back four hours later
        calls.log_call(actor=support_agent, ticket=ticket, direction="inbound", started_at=at("2026-01-12 14:55"),
                       duration_seconds=300)
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.paused_at is None and ticket.paused_seconds == 4 * 3600
    assert ticket.resolution_due == at("2026-01-15 13:00")  # four business hours later
