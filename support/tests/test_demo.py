"""The support demo: agents and a team lead who can sign in, teams, tiers, and tickets of the demo dealers in every
state (paused, breached, rated, merged), with internal notes the dealer never sees; loading twice creates nothing."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dealers import demo as dealers_demo
from dealers.models import Dealer, User
from portal.demo import DEMO_PASSWORD
from support import demo
from support.models import Message, Satisfaction, Team, Ticket, TicketStatus, TicketStatusChange
from support.permissions import is_support_agent, is_team_lead
from support.selectors import desk_tickets

pytestmark = pytest.mark.django_db


def _counts():
    return (User.objects.count(), Team.objects.count(), Ticket.objects.count(), Message.objects.count(),
            TicketStatusChange.objects.count(), Satisfaction.objects.count())


def test_the_support_demo_loads_agents_teams_and_tickets_in_every_state_and_loads_twice(client):
    dealers_demo.load()
    logins = demo.load()
    assert [(role, email) for role, email, _password, _code in logins] == [
        ("support team lead", "support.lead@example.com"), ("support agent", "support.emre@example.com"),
        ("support agent", "support.maria@example.com")]
    counts = _counts()
    assert demo.load() == logins and _counts() == counts

    lead = User.objects.get(email="support.lead@example.com")
    agents = [User.objects.get(email=email) for _role, email, _p, _c in logins]
    assert all(is_support_agent(user) and user.check_password(DEMO_PASSWORD) for user in agents)
    assert is_team_lead(lead) and not is_team_lead(agents[1])
    teams = {team.name: team for team in Team.objects.all()}
    assert set(teams) == {"Orders & delivery", "Invoices & payments", "Products & technical"}
    assert "invoice" in teams["Invoices & payments"].categories and teams["Orders & delivery"].lead == lead
    assert Dealer.objects.get(code="KAYA36").tier == "gold"
    assert Dealer.objects.get(code="ANKR34").tier == "key_account"

    tickets = {ticket.subject: ticket for ticket in Ticket.objects.all()}
    assert {ticket.status for ticket in tickets.values()} == set(TicketStatus.values)
    assert tickets["LED panel flickers after an hour"].status == "new"
    opened = tickets["Two boxes missing from my order"]
    assert opened.status == "open" and opened.assignee.email == "support.emre@example.com"
    assert opened.team.name == "Orders & delivery" and opened.first_responded_at is not None
    waiting = tickets["Our payment is not shown on the invoice"]
    assert waiting.status == "waiting_on_dealer" and waiting.paused_at is not None
    rated = tickets["Carton damaged on arrival"]
    assert rated.status == "resolved" and rated.satisfaction.rating == 5
    assert tickets["How do I add a second approver?"].status == "closed"
    breached = tickets["Cable reel: insulation cracks in the cold"]
    assert breached.first_responded_at is None and breached.first_response_due < timezone.now()
    assert breached.resolution_due < timezone.now() and breached.dealer.tier == "key_account"
    assert breached in desk_tickets(user=lead, queue="breached")
    assert waiting not in desk_tickets(user=lead, queue="breached")  # paused: its clocks do not run
    duplicate = tickets["Copy of last month's invoices (again)"]
    original = tickets["Copy of last month's invoices"]
    assert duplicate.status == "closed" and duplicate.merged_into == original
    assert original.messages.filter(body__startswith="Writing again").exists()

    # Dated over the last days, in order; notes where agents worked, never on the dealer's page.
    assert breached.created_at < timezone.now() - timedelta(days=11)
    times = list(opened.messages.order_by("pk").values_list("created_at", flat=True))
    assert times == sorted(times) and times[0] == opened.created_at and times[-1] < timezone.now()
    assert list(opened.history.order_by("pk").values_list("created_at", flat=True)) == sorted(
        opened.history.values_list("created_at", flat=True))
    note = opened.messages.get(kind="note")
    client.force_login(opened.opened_by)
    page = client.get(reverse("support:ticket", args=[opened.number])).content.decode()
    assert "The rest ships tomorrow" in page and note.body not in page


def test_the_demo_has_tickets_by_mail_and_by_phone_with_calls_whose_notes_stay_on_the_desk(client):
    from django.utils import translation

    from support.models import Call
    from support.services import calls as calls_service

    dealers_demo.load()
    demo.load()
    mail = Ticket.objects.get(subject=demo.MAIL_SUBJECT)
    assert mail.source == "mail" and mail.messages.first().via == "mail" and mail.status == "resolved"
    phone = Ticket.objects.get(subject=demo.PHONE_SUBJECT)
    assert phone.source == "phone" and phone.status == "open" and phone.first_responded_at == phone.created_at
    calls = list(Call.objects.filter(ticket=phone).order_by("started_at"))
    assert [call.direction for call in calls] == ["inbound", "outbound"]
    assert phone.created_at < timezone.now() - timedelta(hours=25)
    client.force_login(phone.opened_by)
    page = client.get(reverse("support:ticket", args=[phone.number])).content.decode()
    with translation.override(phone.opened_by.language):  # the page reads in the dealer user's language
        summary = calls_service.dealer_summary(calls[1])
    assert "Emre" in summary and summary in page and calls[1].notes not in page and calls[0].notes not in page


def test_the_demo_shows_every_channel_in_the_desk_and_two_held_messages_and_loads_twice(client):
    from support.models import AgentPresence, ChatSession, ChatStatus, InboundMessage
    from support.services import chat, quarantine

    def counts():
        return (*_counts(), InboundMessage.objects.count(), ChatSession.objects.count())

    dealers_demo.load()
    demo.load()
    before = counts()
    demo.load()
    assert counts() == before

    assert {"web", "mail", "phone", "chat", "whatsapp"} <= set(Ticket.objects.values_list("source", flat=True))
    held = list(quarantine.held())
    assert sorted(row.channel for row in held) == ["mail", "whatsapp"]
    assert {row.sender for row in held} == {"deniz.arslan@arslan-yapi.example.com", "+905330000099"}
    assert all(row.reason and row.ticket is None for row in held)

    # The dealer's mail reply landed on its ticket by In-Reply-To; the quoted history is kept as the full text.
    reply = Message.objects.get(message_id=demo.MAIL_REPLY_MESSAGE_ID)
    assert reply.ticket.subject == "Copy of last month's invoices" and reply.via == "mail"
    assert "wrote:" in reply.full_body and "wrote:" not in reply.body and reply.body.startswith("Yes please")
    ignored = InboundMessage.objects.get(external_id=demo.AUTO_REPLY_MESSAGE_ID)
    assert ignored.status == "ignored" and ignored.ticket is None and "auto-replied" in ignored.reason

    # WhatsApp: the buyer's number, the ticket it opened, staff's reply delivered and read.
    whatsapp = Ticket.objects.get(source="whatsapp")
    assert whatsapp.opened_by.phone_e164 == "+905320000036" and whatsapp.dealer.code == "KAYA36"
    answer = whatsapp.messages.get(from_staff=True, kind="reply")
    assert answer.via == "whatsapp" and answer.delivery_status == "read"
    assert answer.external_id == demo.WHATSAPP_REPLY_WAMID and not answer.delivery_error

    # A finished live chat; nobody left on duty and no chat waiting, so the chat button offers no chat.
    chatted = Ticket.objects.get(source="chat")
    assert chatted.status == "resolved" and chatted.chat.status == ChatStatus.ENDED
    assert list(chatted.messages.order_by("pk").values_list("body", flat=True)) == [
        line for _staff, line in demo.CHAT_LINES]
    assert chatted.chat.started_at < chatted.chat.accepted_at < chatted.chat.ended_at < timezone.now()
    assert not ChatSession.objects.exclude(status=ChatStatus.ENDED).exists()
    assert not AgentPresence.objects.filter(on_duty=True).exists() and not chat.availability().available

    lead = User.objects.get(email="support.lead@example.com")
    client.force_login(lead)
    page = client.get(reverse("support:desk_ticket", args=[reply.ticket.number])).content.decode()
    assert "channel-mail" in page and "Yes please, send us the statement" in page
    page = client.get(reverse("support:desk_ticket", args=[whatsapp.number])).content.decode()
    assert "delivery-read" in page and demo.WHATSAPP_REPLY in page.replace("&#x27;", "'")
    page = client.get(reverse("support:desk_ticket", args=[chatted.number])).content.decode()
    assert "Perfect, I am placing the order now." in page
    page = client.get(reverse("support:quarantine")).content.decode()
    assert "deniz.arslan@arslan-yapi.example.com" in page and "Murat" in page
