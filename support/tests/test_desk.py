"""The support desk (issue 15 §2): replies, internal notes that never reach the dealer, canned replies in the
dealer's language, assignment, merging, queues, search and who reaches the desk."""
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from dealers.testing import DealerUserFactory, UserFactory
from portal.models import Notification
from support.errors import AssigneeNotAgent, MergeNotAllowed, NotSupportAgent, TicketMoveNotAllowed
from support.models import CannedReply, Message, MessageKind, Ticket
from support.permissions import SUPPORT_AGENTS_GROUP, is_support_agent
from support.services import desk
from support.testing import TeamFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_agent(db):
    user = UserFactory(is_staff=True, first_name="Deniz", last_name="Destek")
    user.groups.add(Group.objects.get(name=SUPPORT_AGENTS_GROUP))
    return user


@pytest.fixture
def ticket(owner):
    return TicketFactory(dealer=owner.dealer, opened_by=owner, subject="Broken panel")


def _mails_to(user):
    return list(Notification.objects.filter(recipient=user.email))


def test_the_support_agents_group_holds_the_desks_permissions(support_agent):
    assert is_support_agent(support_agent)
    assert support_agent.has_perm("support.change_ticket") and support_agent.has_perm("support.add_message")
    assert support_agent.has_perm("orders.view_order")
    assert not is_support_agent(UserFactory(is_staff=True))


def test_a_staff_reply_is_mailed_to_the_dealer_and_opens_the_ticket(support_agent, ticket, owner):
    message = desk.staff_reply(actor=support_agent, ticket=ticket, body="We send a new panel today.")
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.first_responded_at is not None
    mails = _mails_to(owner)
    assert len(mails) == 1 and mails[0].context["body"] == "We send a new panel today."
    message.refresh_from_db()
    assert message.message_id


def test_a_reply_can_wait_on_the_dealer(support_agent, ticket):
    desk.staff_reply(actor=support_agent, ticket=ticket, body="Which panel?", then="waiting_on_dealer")
    ticket.refresh_from_db()
    assert ticket.status == "waiting_on_dealer" and ticket.paused_at is not None


def test_an_internal_note_is_never_mailed(support_agent, ticket, owner):
    desk.add_note(actor=support_agent, ticket=ticket, body="SECRET: the dealer is on hold")
    assert Notification.objects.filter(context__body__contains="SECRET").count() == 0
    assert _mails_to(owner) == []
    assert ticket.messages.get().kind == MessageKind.NOTE


def test_someone_not_a_support_agent_cannot_work_the_desk(ticket, agent):
    with pytest.raises(NotSupportAgent):
        desk.add_note(actor=agent, ticket=ticket, body="hello")


def test_tickets_are_assigned_to_support_agents_or_a_sales_agent_of_the_tickets_dealer(
        support_agent, ticket, agent, other_dealer, owner):
    from dealers.testing import AgentFactory

    team = TeamFactory()
    desk.assign(actor=support_agent, ticket=ticket, assignee=support_agent, team=team)
    ticket.refresh_from_db()
    assert ticket.assignee == support_agent and ticket.team == team
    assert ticket.dealer in agent.agent_dealers.all()
    desk.assign(actor=support_agent, ticket=ticket, assignee=agent)
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    stranger = AgentFactory(dealers=[other_dealer])
    for refused in (stranger, owner):
        with pytest.raises(AssigneeNotAgent):
            desk.assign(actor=support_agent, ticket=ticket, assignee=refused)
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_canned_reply_in_the_dealers_language_with_placeholders(support_agent, ticket, owner):
    owner.language = "tr"
    owner.first_name = "Ayşe"
    owner.save()
    canned = CannedReply.objects.create(
        title="Thanks", body_en="Hello {first_name}, about {ticket}. {agent}",
        body_tr="Merhaba {first_name}, {ticket} hakkında {unknown} {order} {0} {agent}")
    text = desk.render_canned(canned=canned, ticket=ticket, agent=support_agent)
    assert text == f"Merhaba Ayşe, {ticket.number} hakkında {{unknown}} {{order}} {{0}} Deniz Destek"


def test_canned_reply_falls_back_to_english(support_agent, ticket, owner):
    owner.language = "bg"
    owner.save()
    canned = CannedReply.objects.create(title="Thanks", body_en="Dear {dealer}, {ticket}")
    assert desk.render_canned(canned=canned, ticket=ticket, agent=support_agent) == (
        f"Dear {ticket.dealer.trade_name}, {ticket.number}")


def test_merge_moves_the_conversation_and_closes_the_duplicate(support_agent, owner):
    first = TicketFactory(dealer=owner.dealer, opened_by=owner)
    duplicate = TicketFactory(dealer=owner.dealer, opened_by=owner)
    Message.objects.create(ticket=duplicate, body="the same again", author=owner)
    desk.merge(actor=support_agent, ticket=duplicate, into=first)
    duplicate.refresh_from_db()
    assert duplicate.status == "closed" and duplicate.merged_into == first
    assert first.messages.filter(body="the same again").exists()
    assert len([m for m in _mails_to(owner) if m.template == "support/ticket_merged"]) == 1


def test_merge_into_another_dealers_ticket_is_refused(support_agent, owner, other_owner):
    mine = TicketFactory(dealer=owner.dealer, opened_by=owner)
    theirs = TicketFactory(dealer=other_owner.dealer, opened_by=other_owner)
    with pytest.raises(MergeNotAllowed):
        desk.merge(actor=support_agent, ticket=mine, into=theirs)
    mine.refresh_from_db()
    assert mine.status == "new" and mine.merged_into is None


def test_a_move_the_lifecycle_refuses_is_a_409(support_agent, ticket):
    desk.move(actor=support_agent, ticket=ticket, to="closed")
    with pytest.raises(TicketMoveNotAllowed) as refused:
        desk.move(actor=support_agent, ticket=ticket, to="open")
    assert refused.value.http_status == 409


# --- the pages ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def desk_client(client, support_agent):
    client.force_login(support_agent)
    return client


def _numbers(response):
    return {t.number for t in response.context["page"].object_list}


def test_only_support_agents_reach_the_desk(client, ticket, owner, agent, support_agent, staff):
    url = reverse("support:desk")
    assert client.get(url).status_code == 302  # signed out: to sign in
    for user in (owner, agent):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("support:desk_ticket", args=[ticket.number])).status_code == 404
        assert client.post(reverse("support:desk_note", args=[ticket.number]), {"body": "x"}).status_code == 404
    assert not ticket.messages.exists()
    for user in (support_agent, staff):
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert client.get(reverse("support:desk_ticket", args=[ticket.number])).status_code == 200


def test_queues_hold_the_right_tickets(desk_client, support_agent, dealer):
    from django.utils import timezone

    now = timezone.now()
    mine = TicketFactory(dealer=dealer, assignee=support_agent, status="open")
    unassigned = TicketFactory(dealer=dealer)
    breached = TicketFactory(dealer=dealer, status="open", resolution_due=now - timezone.timedelta(hours=2))
    soon = TicketFactory(dealer=dealer, status="open", resolution_due=now + timezone.timedelta(minutes=30))
    waiting = TicketFactory(dealer=dealer, status="waiting_on_dealer", paused_at=now,
                            resolution_due=now - timezone.timedelta(hours=2))
    resolved = TicketFactory(dealer=dealer, status="resolved", assignee=support_agent)
    url = reverse("support:desk")
    assert _numbers(desk_client.get(url, {"queue": "mine"})) == {mine.number}
    assert unassigned.number in _numbers(desk_client.get(url, {"queue": "unassigned"}))
    assert mine.number not in _numbers(desk_client.get(url, {"queue": "unassigned"}))
    assert _numbers(desk_client.get(url, {"queue": "breached"})) == {breached.number}
    assert soon.number in _numbers(desk_client.get(url, {"queue": "breaching"}))
    assert breached.number not in _numbers(desk_client.get(url, {"queue": "breaching"}))
    assert _numbers(desk_client.get(url, {"queue": "waiting"})) == {waiting.number}
    assert resolved.number not in _numbers(desk_client.get(url))
    team = TeamFactory()
    Ticket.objects.filter(pk=soon.pk).update(team=team, category="invoice")
    assert _numbers(desk_client.get(url, {"team": team.pk})) == {soon.number}
    assert _numbers(desk_client.get(url, {"category": "invoice"})) == {soon.number}


def test_search_by_number_subject_dealer_and_order(desk_client, dealer, other_dealer):
    one = TicketFactory(dealer=dealer, subject="Scratched LED panel")
    two = TicketFactory(dealer=other_dealer, subject="Invoice question")
    url = reverse("support:desk")
    assert _numbers(desk_client.get(url, {"q": one.number})) == {one.number}
    assert _numbers(desk_client.get(url, {"q": "scratched"})) == {one.number}
    assert _numbers(desk_client.get(url, {"q": other_dealer.trade_name})) == {two.number}
    assert _numbers(desk_client.get(url, {"q": other_dealer.code})) == {two.number}


def test_the_queue_page_query_count_does_not_grow_with_rows(desk_client, dealer, support_agent,
                                                           django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    team = TeamFactory()
    for _ in range(3):
        TicketFactory(dealer=dealer, team=team, assignee=support_agent)
    with CaptureQueriesContext(connection) as few:
        assert desk_client.get(reverse("support:desk")).status_code == 200
    for _ in range(20):
        TicketFactory(dealer=DealerUserFactory().dealer, team=TeamFactory(), assignee=support_agent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = desk_client.get(reverse("support:desk"))
    assert len(response.context["page"].object_list) == 23
    assert len(few.captured_queries) <= 13


def test_a_refused_move_on_the_page_is_a_409(desk_client, ticket):
    desk_client.post(reverse("support:desk_move", args=[ticket.number]), {"to": "closed"})
    response = desk_client.post(reverse("support:desk_move", args=[ticket.number]), {"to": "open"})
    assert response.status_code == 409
    assert "cannot go from" in response.content.decode()


def test_the_ticket_page_shows_notes_apart_and_fills_a_canned_reply(desk_client, support_agent, ticket, owner):
    desk.add_note(actor=support_agent, ticket=ticket, body="Check the credit first")
    page = desk_client.get(reverse("support:desk_ticket", args=[ticket.number])).content.decode()
    assert 'data-kind="note"' in page and "Check the credit first" in page
    canned = CannedReply.objects.create(title="Hi", body_en="Hello {first_name}, {ticket}")
    box = desk_client.get(reverse("support:desk_canned", args=[ticket.number]), {"canned": canned.pk})
    assert f"Hello {owner.first_name}, {ticket.number}" in box.content.decode()
    panel = desk_client.get(reverse("support:desk_panel", args=[ticket.number]))
    assert panel.status_code == 200 and ticket.dealer.code in panel.content.decode()


def test_replying_and_merging_from_the_page(desk_client, ticket, owner):
    response = desk_client.post(reverse("support:desk_reply", args=[ticket.number]),
                                {"body": "On its way", "then": "resolved"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    other = TicketFactory(dealer=ticket.dealer, opened_by=owner)
    response = desk_client.post(reverse("support:desk_merge", args=[other.number]), {"into": "TCK-0000-999999"})
    assert response.status_code == 400 and "No ticket has this number" in response.content.decode()


# --- the admin and the dealer's side ----------------------------------------------------------------------------------

def test_the_ticket_admin_is_read_only_and_assigns_through_the_desk(client, support_agent, ticket):
    client.force_login(support_agent)
    change = reverse("admin:support_ticket_change", args=[ticket.pk])
    assert client.get(change).status_code == 200
    client.post(change, {"subject": "Changed"})
    ticket.refresh_from_db()
    assert ticket.subject == "Broken panel"
    response = client.post(reverse("admin:support_ticket_changelist"),
                           {"action": "assign_to_me", "_selected_action": [ticket.pk]})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == support_agent
    for name in ("team", "cannedreply", "quarantine"):
        assert client.get(reverse(f"admin:support_{name}_changelist")).status_code == 200


def test_an_internal_note_never_reaches_the_dealers_pages_mails_or_api(support_agent, ticket, owner, client):
    from rest_framework.test import APIClient

    desk.staff_reply(actor=support_agent, ticket=ticket, body="PUBLIC answer")
    desk.add_note(actor=support_agent, ticket=ticket, body="SECRET internal remark")
    assert not any("SECRET" in str(row.context) for row in Notification.objects.all())
    client.force_login(owner)
    page = client.get(reverse("support:ticket", args=[ticket.number]))
    assert page.status_code == 200
    assert "PUBLIC answer" in page.content.decode() and "SECRET" not in page.content.decode()
    assert "SECRET" not in client.get(reverse("support:tickets")).content.decode()
    api = APIClient()
    api.force_login(owner)
    answer = api.get(f"/api/v1/me/tickets/{ticket.number}/")
    if answer.status_code != 404:  # the dealer's API (H-TICKETS) answers the ticket with its conversation
        assert answer.status_code == 200 and "SECRET" not in answer.content.decode()


def test_a_support_agents_home_is_the_desk_and_a_dealer_finds_its_tickets_in_the_header(desk_client, client,
                                                                                        owner):
    home = desk_client.get("/")
    assert home.status_code == 302 and home.url == reverse("support:desk")
    client.force_login(owner)
    page = client.get(reverse("dealers:dashboard")).content.decode()
    assert f'href="{reverse("support:tickets")}" class="nav-support">Support</a>' in page


def test_a_resolved_ticket_in_the_queue_has_no_due_time(desk_client, ticket):
    import datetime

    from django.utils import timezone

    due = timezone.now() + datetime.timedelta(days=2)
    Ticket.objects.filter(pk=ticket.pk).update(status="resolved", resolution_due=due, first_response_due=due)
    page = desk_client.get(reverse("support:desk"), {"queue": "all"}).content.decode()
    row = page.split(ticket.number, 1)[1].split("</tr>", 1)[0]
    assert "<time" not in row and "—" in row
