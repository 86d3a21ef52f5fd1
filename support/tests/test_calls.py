"""Phone calls (issue 16): an agent logs a call on a ticket or opens a ticket from a call; the call counts as a
response for the SLA, an incoming call brings a ticket waiting on the dealer back; the agent's notes stay on the
desk (never on the dealer's page, in a mail or the API); bad input is refused with nothing changed."""
import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from dealers.testing import DealerUserFactory, UserFactory
from portal.models import AuditEntry, Notification
from support.errors import BadCall, NotSupportAgent, TicketClosed
from support.models import Call, Message, MessageKind, Ticket
from support.permissions import SUPPORT_AGENTS_GROUP
from support.services import calls, desk, recompute_due
from support.services.sla import ISTANBUL
from support.testing import TicketFactory

pytestmark = pytest.mark.django_db
SECRET = "SECRET-CALL-NOTE: the dealer is about to switch suppliers"


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=ISTANBUL)


@pytest.fixture
def support_agent(db):
    user = UserFactory(is_staff=True, first_name="Deniz", last_name="Destek")
    user.groups.add(Group.objects.get(name=SUPPORT_AGENTS_GROUP))
    return user


@pytest.fixture
def ticket(owner):
    return TicketFactory(dealer=owner.dealer, opened_by=owner, subject="Broken panel",
                         created_at=timezone.now() - dt.timedelta(hours=1))


def _log(agent, ticket, **fields):
    fields.setdefault("direction", "outbound")
    fields.setdefault("started_at", timezone.now() - dt.timedelta(minutes=10))
    fields.setdefault("duration_seconds", 240)
    fields.setdefault("notes", SECRET)
    return calls.log_call(actor=agent, ticket=ticket, **fields)


def test_a_logged_call_is_in_the_conversation_opens_the_ticket_and_answers_it(support_agent, ticket):
    started = timezone.now() - dt.timedelta(minutes=10)
    call = _log(support_agent, ticket, started_at=started, phone_number="0532 123 45 67")
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.first_responded_at == started
    message = call.message
    assert (message.kind, message.via, message.from_staff, message.author) == ("call", "phone", True, support_agent)
    assert SECRET not in message.body and message.body == "Phone call (outgoing, 4 min)"
    assert (call.notes, call.phone_number, call.duration_seconds) == (SECRET, "+905321234567", 240)
    assert AuditEntry.objects.filter(action="support.ticket.call", actor=support_agent).count() == 1


def test_a_call_is_never_mailed_and_its_notes_never_reach_the_dealer(support_agent, ticket, owner, client,
                                                                     session_api_client):
    _log(support_agent, ticket)
    assert not Notification.objects.filter(context__icontains="SECRET-CALL-NOTE").exists()
    assert not Notification.objects.filter(recipient=owner.email).exists()
    client.force_login(owner)
    page = client.get(reverse("support:ticket", args=[ticket.number])).content.decode()
    assert "Phone call with Deniz, 4 min" in page and "SECRET-CALL-NOTE" not in page
    answer = session_api_client(owner).get(reverse("api:me-ticket", args=[ticket.number]))
    assert answer.status_code == 200 and "SECRET-CALL-NOTE" not in answer.content.decode()
    [entry] = answer.json()["messages"]
    assert (entry["kind"], entry["via"], entry["body"]) == ("call", "phone", "Phone call with Deniz, 4 min")


def test_the_desk_shows_the_call_with_its_notes(support_agent, ticket, client):
    _log(support_agent, ticket, direction="inbound", duration_seconds=90)
    client.force_login(support_agent)
    page = client.get(reverse("support:desk_ticket", args=[ticket.number])).content.decode()
    assert "Phone call · Incoming · 2 min · Deniz Destek" in page
    assert SECRET in page


def test_an_incoming_call_brings_a_ticket_waiting_on_the_dealer_back_and_resumes_its_clocks(support_agent, owner):
    ticket = TicketFactory(dealer=owner.dealer, opened_by=owner, created_at=at("2026-01-12 09:00"))  # a Monday
    recompute_due(ticket=ticket)
    with time_machine.travel(at("2026-01-12 10:00"), tick=False):
        _log(support_agent, ticket, started_at=at("2026-01-12 09:40"))
    ticket.refresh_from_db()
    # The call stopped the first-response clock at its start.
    assert ticket.first_responded_at == at("2026-01-12 09:40") and ticket.status == "open"
    with time_machine.travel(at("2026-01-12 10:30"), tick=False):
        desk.move(actor=support_agent, ticket=ticket, to="waiting_on_dealer")
    with time_machine.travel(at("2026-01-13 09:30"), tick=False):  # an outgoing call: still waiting on the dealer
        _log(support_agent, ticket, started_at=at("2026-01-13 09:20"))
    ticket.refresh_from_db()
    assert ticket.status == "waiting_on_dealer" and ticket.paused_at == at("2026-01-12 10:30")
    with time_machine.travel(at("2026-01-13 10:00"), tick=False):  # the dealer calls back
        _log(support_agent, ticket, direction="inbound", started_at=at("2026-01-13 09:55"))
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.paused_at is None
    assert ticket.paused_seconds == int(8.5 * 3600)  # Monday 10:30–18:00 and Tuesday 09:00–10:00
    assert ticket.first_responded_at == at("2026-01-12 09:40")  # later calls change nothing


@pytest.mark.parametrize(("fields", "field"), [
    ({"direction": "sideways"}, "direction"),
    ({"duration_seconds": -1}, "duration_seconds"),
    ({"duration_seconds": 24 * 3600 + 1}, "duration_seconds"),
    ({"duration_seconds": 10**30}, "duration_seconds"),
    ({"duration_seconds": "1e30"}, "duration_seconds"),
    ({"duration_seconds": 12.5}, "duration_seconds"),
    ({"duration_seconds": True}, "duration_seconds"),
    ({"started_at": "yesterday"}, "started_at"),
    ({"notes": "x" * 5001}, "notes"),
    ({"notes": "a\x00b"}, "notes"),
    ({"phone_number": "0" * 41}, "phone_number"),
])
def test_a_bad_call_is_refused_and_nothing_changes(support_agent, ticket, fields, field):
    with pytest.raises(BadCall) as refused:
        _log(support_agent, ticket, **fields)
    assert refused.value.field == field and refused.value.http_status == 400
    assert not Message.objects.exists() and not Call.objects.exists()
    ticket.refresh_from_db()
    assert ticket.status == "new" and ticket.first_responded_at is None


def test_a_call_in_the_future_or_over_before_the_ticket_opened_is_refused(support_agent, ticket):
    with pytest.raises(BadCall, match="future"):
        _log(support_agent, ticket, started_at=timezone.now() + dt.timedelta(minutes=30))
    _log(support_agent, ticket, started_at=timezone.now() + dt.timedelta(minutes=2))  # a clock a little ahead
    early = TicketFactory(dealer=ticket.dealer, created_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(BadCall, match="before the ticket"):
        _log(support_agent, early, started_at=timezone.now() - dt.timedelta(hours=2), duration_seconds=600)
    assert not early.messages.exists()


def test_a_closed_ticket_takes_no_call_and_only_support_agents_log_calls(support_agent, ticket, owner, staff):
    with pytest.raises(NotSupportAgent):
        _log(staff if not staff.is_superuser else UserFactory(is_staff=True), ticket)
    desk.move(actor=support_agent, ticket=ticket, to="closed")
    with pytest.raises(TicketClosed):
        _log(support_agent, ticket)
    assert not Call.objects.exists()


def test_a_ticket_opened_from_a_call(support_agent, owner):
    caller = DealerUserFactory(dealer=owner.dealer, role="buyer", phone="0532 111 22 33", first_name="Kemal")
    ticket = calls.open_ticket_from_call(
        actor=support_agent, dealer=owner.dealer, caller=caller, subject="Where is my order?", category="order",
        priority="high", direction="inbound", started_at=timezone.now() - dt.timedelta(minutes=5),
        duration_seconds=300, notes=SECRET, phone_number="+90 532 111 22 33", assignee=support_agent)
    ticket.refresh_from_db()
    assert (ticket.source, ticket.opened_by, ticket.on_behalf, ticket.status, ticket.priority, ticket.assignee) == (
        "phone", caller, True, "open", "high", support_agent)
    assert ticket.first_responded_at == ticket.created_at and ticket.resolution_due is not None
    [message] = ticket.messages.all()
    assert message.kind == MessageKind.CALL and message.call.notes == SECRET and SECRET not in message.body
    entry = AuditEntry.objects.get(action="support.ticket.opened")
    assert entry.actor == support_agent and entry.data["by_agent"] == support_agent.pk
    assert entry.data["caller"] == caller.pk and entry.data["source"] == "phone"
    assert not Notification.objects.filter(context__icontains="SECRET-CALL-NOTE").exists()


def test_the_caller_must_be_a_user_of_the_dealer(support_agent, owner, other_owner):
    with pytest.raises(BadCall) as refused:
        calls.open_ticket_from_call(
            actor=support_agent, dealer=owner.dealer, caller=other_owner, subject="Hello", category="order",
            started_at=timezone.now(), duration_seconds=60)
    assert refused.value.field == "caller" and not Ticket.objects.exists()


# --- the pages ---------------------------------------------------------------------------------------------------------

def test_log_a_call_from_the_desk_page(support_agent, ticket, client):
    client.force_login(support_agent)
    url = reverse("support:desk_call", args=[ticket.number])
    when = timezone.localtime() - dt.timedelta(minutes=15)
    answer = client.post(url, {"call-direction": "inbound", "call-started_at": when.strftime("%Y-%m-%dT%H:%M"),
                               "call-minutes": "7", "call-notes": SECRET, "call-phone_number": ""})
    assert answer.status_code == 302
    call = Call.objects.get()
    assert (call.direction, call.duration_seconds, call.agent) == ("inbound", 420, support_agent)
    answer = client.post(url, {"call-direction": "inbound", "call-started_at": when.strftime("%Y-%m-%dT%H:%M"),
                               "call-minutes": "99999999999999999999"})
    assert answer.status_code == 400 and Call.objects.count() == 1
    page = client.get(reverse("support:desk_ticket", args=[ticket.number])).content.decode()
    assert 'id="call-form"' in page and "Your reply goes by E-mail." in page


def test_new_ticket_from_a_call_page(support_agent, owner, client):
    owner.phone = "0532 999 88 77"
    owner.save()
    dealer = owner.dealer
    client.force_login(support_agent)
    url = reverse("support:desk_new_call")
    found = client.get(url, {"q": dealer.legal_name[:6]}).content.decode()
    assert f'?dealer={dealer.pk}"' in found
    form = client.get(url, {"dealer": dealer.pk}).content.decode()
    assert "0532 999 88 77" in form and 'id="new-call-form"' in form
    answer = client.post(url, {
        "dealer": dealer.pk, "caller": owner.pk, "subject": "Invoice question", "category": "invoice",
        "priority": "normal", "direction": "inbound",
        "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "minutes": "3", "notes": SECRET,
        "phone_number": "", "assign_to_me": "on"})
    ticket = Ticket.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("support:desk_ticket", args=[ticket.number])
    assert (ticket.source, ticket.opened_by, ticket.assignee) == ("phone", owner, support_agent)
    refused = client.post(url, {"dealer": dealer.pk, "caller": "", "subject": "", "category": "invoice",
                                "priority": "normal", "direction": "inbound",
                                "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "minutes": "3"})
    assert refused.status_code == 400 and Ticket.objects.count() == 1


def test_only_support_agents_reach_the_call_pages(owner, ticket, client, agent):
    for user in (owner, agent):
        client.force_login(user)
        assert client.get(reverse("support:desk_new_call")).status_code == 404
        assert client.post(reverse("support:desk_call", args=[ticket.number]), {}).status_code == 404
    assert not Call.objects.exists()


def test_the_queue_shows_each_tickets_channel_and_filters_by_it(support_agent, owner, client):
    web = TicketFactory(dealer=owner.dealer, subject="From the portal")
    phone = TicketFactory(dealer=owner.dealer, subject="From a call", source="phone",
                          created_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(support_agent)
    page = client.get(reverse("support:desk")).content.decode()
    assert 'data-channel="phone">Phone</span>' in page and 'data-channel="web">Portal</span>' in page
    filtered = client.get(reverse("support:desk"), {"channel": "phone"}).content.decode()
    assert phone.number in filtered and web.number not in filtered
    assert client.get(reverse("support:desk"), {"channel": "pigeon"}).status_code == 200  # an unknown one: ignored
    _log(support_agent, phone)
    ticket_page = client.get(reverse("support:desk_ticket", args=[phone.number])).content.decode()
    assert 'id="ticket-channel">Phone</span>' in ticket_page
    assert '<span class="badge channel channel-phone">Phone</span>' in ticket_page  # the call's own channel
