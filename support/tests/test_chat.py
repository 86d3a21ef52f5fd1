"""Live chat (issue 16): when it is offered (business hours and an agent on duty), starting one as a dealer user or a
visitor, messages of both sides taken once, isolation between dealers, the desk's accept / hand over / end /
follow up, and the HTTP fallback."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dealers.testing import DealerUserFactory
from portal.testing import actor_of
from support.errors import BadTicket, ChatEnded, ChatNotAllowed, ChatTaken, ChatUnavailable
from support.models import AgentPresence, ChatSession, ChatStatus, Message, MessageKind, Ticket, TicketStatus
from support.services import chat, desk
from support.testing import holiday, office_hours, open_for_chat, support_agent_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_agent(db):
    return support_agent_user(first_name="Deniz", last_name="Destek")


@pytest.fixture
def chat_open(support_agent):
    open_for_chat(support_agent)
    return support_agent


def _start(owner, body="My order ORD-1 has not arrived yet, can you check?"):
    return chat.start_chat(actor=actor_of(owner), body=body, language="tr")


# --- availability ------------------------------------------------------------------------------------------------

def test_chat_is_offered_within_business_hours_with_an_agent_on_duty(support_agent):
    office_hours()  # Monday–Friday 09:00–18:00, Istanbul
    AgentPresence.objects.create(user=support_agent, on_duty=True, last_seen_at=timezone.now())
    tuesday_noon = dt.datetime(2030, 1, 8, 9, 0, tzinfo=dt.UTC)  # 12:00 in Istanbul
    AgentPresence.objects.update(last_seen_at=tuesday_noon)
    assert chat.availability(now=tuesday_noon) == chat.Availability(True, "")
    assert chat.availability(now=tuesday_noon.replace(hour=17)) == chat.Availability(False, "out_of_hours")
    assert chat.availability(now=dt.datetime(2030, 1, 12, 9, 0, tzinfo=dt.UTC)).reason == "out_of_hours"  # Saturday
    holiday(dt.date(2030, 1, 8))
    assert chat.availability(now=tuesday_noon).reason == "out_of_hours"


def test_no_agent_on_duty_or_none_seen_lately_means_no_chat(support_agent):
    open_for_chat()
    assert chat.availability().reason == "no_agent"
    presence = AgentPresence.objects.create(user=support_agent, on_duty=False, last_seen_at=timezone.now())
    assert chat.availability().reason == "no_agent"
    presence.on_duty = True
    presence.last_seen_at = timezone.now() - dt.timedelta(minutes=10)
    presence.save()
    assert chat.availability().reason == "no_agent"
    chat.heartbeat(user=support_agent)
    assert chat.availability().available


def test_out_of_hours_start_is_a_409_that_offers_a_ticket(client, owner, support_agent):
    office_hours(weekdays=())  # closed every day
    AgentPresence.objects.create(user=support_agent, on_duty=True, last_seen_at=timezone.now())
    client.force_login(owner)
    response = client.post(reverse("support:chat_start"), {"body": "Hello"})
    assert response.status_code == 409
    assert response.json()["reason"] == "out_of_hours"
    assert response.json()["ticket_url"] == reverse("support:new")
    assert not Ticket.objects.exists()
    state = client.get(reverse("support:chat_state")).json()
    assert state == {"available": False, "reason": "out_of_hours", "chat": None, "ticket_url": reverse("support:new")}


# --- starting --------------------------------------------------------------------------------------------------------

def test_a_dealer_user_starts_a_chat_that_is_a_ticket_of_channel_chat(owner, chat_open):
    session = _start(owner)
    ticket = session.ticket
    assert (ticket.source, ticket.category, ticket.dealer, ticket.opened_by) == ("chat", "other", owner.dealer, owner)
    assert ticket.subject == "My order ORD-1 has not arrived yet, can…"
    assert (session.user, session.status, session.language) == (owner, ChatStatus.WAITING, "tr")
    first = ticket.messages.get()
    assert (first.via, first.from_staff, first.author) == ("chat", False, owner)


def test_a_visitor_starts_a_chat_with_name_and_address_and_no_dealer(client, chat_open):
    response = client.post(reverse("support:chat_start"),
                           {"body": "Do you sell to Bulgaria?", "name": "Ivan", "email": "ivan@example.bg"})
    assert response.status_code == 201
    data = response.json()
    ticket = Ticket.objects.get(number=data["number"])
    assert (ticket.dealer, ticket.visitor_name, ticket.visitor_email, ticket.source) == (
        None, "Ivan", "ivan@example.bg", "chat")
    assert data["ws_url"].endswith(f"/ws/support/chat/{ticket.number}/")
    assert [m["body"] for m in data["messages"]] == ["Do you sell to Bulgaria?"]
    # The same browser (its cookie) finds its chat again; another browser does not.
    state = client.get(reverse("support:chat_state")).json()
    assert state["chat"]["number"] == ticket.number and state["available"] is True and state["ticket_url"] is None
    from django.test import Client

    assert Client().get(reverse("support:chat_state")).json()["chat"] is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"body": " ", "name": "Ivan", "email": "ivan@example.bg"}, "body"),
    ({"body": "Hi", "name": "", "email": "ivan@example.bg"}, "name"),
    ({"body": "Hi", "name": "Ivan", "email": "not an address"}, "email"),
    ({"body": "Hi\x00", "name": "Ivan", "email": "ivan@example.bg"}, None),
    ({"body": "x" * 5000, "name": "Ivan", "email": "ivan@example.bg"}, "body"),
])
def test_a_visitors_bad_input_is_a_400_naming_the_field(client, chat_open, fields, field):
    response = client.post(reverse("support:chat_start"), fields)
    assert response.status_code == 400
    if field:
        assert response.json()["field"] == field
    assert not Ticket.objects.exists()


def test_a_sales_agent_acting_for_a_dealer_is_refused(agent_actor, chat_open):
    with pytest.raises(ChatNotAllowed):
        chat.start_chat(actor=agent_actor, body="Hello")


def test_starts_are_rate_limited_per_browser(client, chat_open, settings):
    settings.SUPPORT_CHAT_STARTS_PER_10_MIN = 2
    for n in range(2):
        response = client.post(reverse("support:chat_start"), {"body": f"Hi {n}", "name": "Ivan",
                                                               "email": "ivan@example.bg"})
        assert response.status_code in (200, 201)
        client.cookies.pop("support_chat", None)  # a new chat each time
    response = client.post(reverse("support:chat_start"), {"body": "Hi", "name": "Ivan", "email": "ivan@example.bg"})
    assert response.status_code == 429 and response.json()["error"]


def test_the_first_response_is_measured_from_the_chats_first_message(owner, chat_open):
    session = _start(owner)
    chat.accept(actor=chat_open, session=session)
    posted = chat.post_message(session=session, user=chat_open, body="Let me check.", client_id="a1")
    ticket = Ticket.objects.get(pk=session.ticket_id)
    assert ticket.first_responded_at == posted.message.created_at
    assert ticket.created_at <= session.ticket.messages.order_by("pk").first().created_at


# --- messages ----------------------------------------------------------------------------------------------------------

def test_both_sides_write_and_a_client_id_is_taken_once(owner, chat_open):
    session = _start(owner)
    first = chat.post_message(session=session, user=owner, body="Any news?", client_id="c-1")
    again = chat.post_message(session=session, user=owner, body="Any news?", client_id="c-1")
    assert first.created and not again.created and again.message.pk == first.message.pk
    reply = chat.post_message(session=session, user=chat_open, body="Yes: it left today.", client_id="c-2")
    assert reply.message.from_staff and reply.message.external_id == "chat:c-2"
    assert chat.frame_of(reply.message)["client_id"] == "c-2"
    session.refresh_from_db()
    assert (session.status, session.agent) == (ChatStatus.ACTIVE, chat_open)  # writing took the waiting chat
    assert [m.body for m in chat.public_messages(session.ticket)] == [
        session.ticket.messages.order_by("pk").first().body, "Any news?", "Yes: it left today."]


def test_an_internal_note_never_reaches_the_chat(owner, chat_open):
    session = _start(owner)
    desk.add_note(actor=chat_open, ticket=session.ticket, body="Dealer is late paying, be careful")
    assert all("late paying" not in m.body for m in chat.public_messages(session.ticket))


def test_another_dealers_user_cannot_write_into_a_chat(owner, other_owner, chat_open):
    session = _start(owner)
    with pytest.raises(ChatNotAllowed):
        chat.post_message(session=session, user=other_owner, body="Hi", client_id="x")
    colleague = DealerUserFactory(dealer=owner.dealer)
    with pytest.raises(ChatNotAllowed):
        chat.post_message(session=session, user=colleague, body="Hi", client_id="y")


def test_an_ended_chat_takes_no_more_messages_and_replies_go_by_mail(owner, chat_open):
    session = _start(owner)
    chat.end_chat(actor=owner, session=session)
    with pytest.raises(ChatEnded):
        chat.post_message(session=session, user=owner, body="One more thing", client_id="z")
    message = desk.staff_reply(actor=chat_open, ticket=session.ticket, body="Answer by mail")
    assert message.via == "mail"


def test_a_bad_client_id_is_refused(owner, chat_open):
    session = _start(owner)
    with pytest.raises(BadTicket):
        chat.post_message(session=session, user=owner, body="Hi", client_id="<script>")


def test_a_replying_agent_reaches_the_open_chat_through_the_adapter(owner, chat_open):
    session = _start(owner)
    message = desk.staff_reply(actor=chat_open, ticket=session.ticket, body="Hello from the desk")
    assert message.via == "chat"


# --- the desk ----------------------------------------------------------------------------------------------------------

def test_accept_hand_over_and_a_second_accept(owner, chat_open):
    colleague = support_agent_user(first_name="Ayşe")
    open_for_chat(chat_open, colleague)
    session = _start(owner)
    chat.accept(actor=chat_open, session=session)
    with pytest.raises(ChatTaken):
        chat.accept(actor=colleague, session=session)
    chat.hand_over(actor=chat_open, session=session, to=colleague)
    session.refresh_from_db()
    assert (session.agent, session.handed_over_by, session.status) == (colleague, chat_open, ChatStatus.ACTIVE)
    assert Ticket.objects.get(pk=session.ticket_id).assignee == colleague
    note = Message.objects.get(ticket=session.ticket, kind=MessageKind.NOTE)
    assert "Ayşe" in note.body


def test_follow_up_ends_the_chat_and_keeps_the_ticket_open_for_the_agent(owner, chat_open):
    session = _start(owner)
    ticket = chat.follow_up(actor=chat_open, session=session)
    session.refresh_from_db()
    assert session.status == ChatStatus.ENDED
    assert (ticket.status, ticket.assignee) == (TicketStatus.OPEN, chat_open)


def test_desk_chats_lists_waiting_and_my_chats_and_is_a_heartbeat(client, owner, other_owner, chat_open):
    mine, waiting = _start(owner), _start(other_owner, body="Hello?")
    chat.accept(actor=chat_open, session=mine)
    AgentPresence.objects.update(last_seen_at=timezone.now() - dt.timedelta(hours=1))
    from support import selectors

    panel = selectors.desk_chats(user=chat_open)
    assert [c.pk for c in panel["waiting"]] == [waiting.pk] and [c.pk for c in panel["mine"]] == [mine.pk]
    client.force_login(chat_open)
    client.post(reverse("support:desk_chat_duty"), {"on": "1"})
    assert chat.availability().available


def test_desk_chat_actions_are_for_support_agents_only(client, owner, chat_open):
    session = _start(owner)
    client.force_login(owner)
    assert client.post(reverse("support:desk_chat_accept", args=[session.ticket.number])).status_code == 404
    assert client.get(reverse("support:desk_chats")).status_code == 404


def test_desk_duty_toggle(client, support_agent):
    client.force_login(support_agent)
    response = client.post(reverse("support:desk_chat_duty"), {"on": "1"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert AgentPresence.objects.get(user=support_agent).on_duty
    client.post(reverse("support:desk_chat_duty"), {"on": "0"}, HTTP_ACCEPT="application/json")
    assert not AgentPresence.objects.get(user=support_agent).on_duty


def test_desk_duty_toggle_through_htmx_answers_the_chats_panel(client, support_agent):
    """The chats page's duty switch posts with htmx: the answer is the refreshed panel (it was a 405: the panel's
    view takes GET only)."""
    client.force_login(support_agent)
    response = client.post(reverse("support:desk_chat_duty"), {"on": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert AgentPresence.objects.get(user=support_agent).on_duty
    assert "support/desk_chats.html" in [template.name for template in response.templates]


# --- the HTTP fallback --------------------------------------------------------------------------------------------

def test_fallback_reads_and_sends_with_the_sockets_permissions(client, owner, other_owner, chat_open):
    session = _start(owner)
    number = session.ticket.number
    client.force_login(owner)
    sent = client.post(reverse("support:chat_send", args=[number]), {"body": "Still there?", "client_id": "f1"})
    assert sent.status_code == 201
    assert client.post(reverse("support:chat_send", args=[number]),
                       {"body": "Still there?", "client_id": "f1"}).status_code == 200
    first_id = sent.json()["message"]["id"]
    desk.add_note(actor=chat_open, ticket=session.ticket, body="secret note")
    chat.post_message(session=session, user=chat_open, body="Yes!", client_id="f2")
    read = client.get(reverse("support:chat_messages", args=[number]), {"after": first_id}).json()
    assert [m["body"] for m in read["messages"]] == ["Yes!"] and read["status"] == "active"
    assert client.get(reverse("support:chat_messages", args=[number]), {"after": "1e99"}).status_code == 200
    client.force_login(other_owner)
    assert client.get(reverse("support:chat_messages", args=[number])).status_code == 404
    assert client.get(reverse("support:chat_messages", args=["TCK-0000-000000"])).status_code == 404
    assert client.post(reverse("support:chat_send", args=[number]), {"body": "hi"}).status_code == 404


def test_visitor_chat_isolation(client, chat_open):
    client.post(reverse("support:chat_start"), {"body": "Hi", "name": "Ivan", "email": "ivan@example.bg"})
    number = ChatSession.objects.get().ticket.number
    assert client.get(reverse("support:chat_messages", args=[number])).status_code == 200
    from django.test import Client

    stranger = Client()
    assert stranger.get(reverse("support:chat_messages", args=[number])).status_code == 404
    stranger.cookies["support_chat"] = "forged:value"
    assert stranger.get(reverse("support:chat_messages", args=[number])).status_code == 404


def test_start_chat_with_nobody_on_duty_is_refused_with_its_reason(owner, support_agent):
    open_for_chat()
    with pytest.raises(ChatUnavailable) as refused:
        _start(owner)
    assert refused.value.reason == "no_agent" and refused.value.http_status == 409
    assert not Ticket.objects.exists()


def test_a_dealers_chat_lines_are_not_mailed_to_staff_one_by_one(owner, chat_open):
    """The agents read a live chat in the desk as it comes: each dealer line is not also a "the dealer replied" mail
    to the team (the bench found one mail per line); a reply on the portal still is."""
    from portal.models import Notification

    session = _start(owner)
    desk.assign(actor=actor_of(chat_open), ticket=session.ticket, assignee=chat_open)
    before = Notification.objects.filter(template="support/dealer_replied").count()
    for n in range(3):
        chat.post_message(user=owner, session=session, body=f"Line {n}", client_id=f"line-{n}")
    assert Notification.objects.filter(template="support/dealer_replied").count() == before
    assert session.ticket.messages.filter(body__startswith="Line ").count() == 3
