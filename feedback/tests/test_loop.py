"""Closing the loop (issue 17 §2): a detractor's answer opens a ticket for the dealer's sales agent (else the support
team) that lists the dealer's own orders, shipments, open tickets and overdue invoices; a passive is thanked; a
promoter is invited to review what it received and to write a story; the follow-up moves with its ticket and by
hand."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import DetractorLoop, LoopStatus, Story, StoryStatus
from feedback.services.nps import answer
from feedback.testing import NpsInvitationFactory, deliver
from portal.models import Notification
from support.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(actor, addresses, panel, staff):
    return deliver(actor, panel, staff=staff)


def _invite(dealer, user, shipment=None):
    return NpsInvitationFactory(dealer=dealer, user=user, shipment=shipment,
                                order=shipment.order if shipment else None, language=user.language)


def _answer(owner, shipment, score, **fields):
    return answer(invitation=_invite(owner.dealer, owner, shipment), score=score, **fields)


def _support_agent(**fields):
    from support.testing import support_agent_user

    return support_agent_user(**fields)


def _sales_agent(dealer, *, support=False, **fields):
    from dealers.testing import AgentFactory

    agent = AgentFactory(dealers=[dealer], **fields)
    if support:
        from django.contrib.auth.models import Group

        from support.permissions import SUPPORT_AGENTS_GROUP

        agent.groups.add(Group.objects.get_or_create(name=SUPPORT_AGENTS_GROUP)[0])
    return agent


def _team_for_other():
    from support.testing import TeamFactory

    member = _support_agent(email="desk@example.com")
    team = TeamFactory(name="Customer care", categories=["other"])
    team.members.add(member)
    return team, member


# --- a detractor: the ticket and who gets it ---------------------------------------------------------------------------

def test_a_detractor_opens_a_high_priority_ticket_for_the_account_manager(owner, delivered, dealer):
    manager = _sales_agent(dealer, support=True, email="manager@example.com")
    _sales_agent(dealer, support=True, email="second@example.com")
    dealer.account_manager = manager
    dealer.save(update_fields=["account_manager"])

    response = _answer(owner, delivered, 3, comment="Late again", reasons=["delivery", "price"])

    loop = DetractorLoop.objects.get(response=response)
    ticket = loop.ticket
    assert loop.status == LoopStatus.OPEN and loop.owner == manager
    assert ticket.dealer == dealer and ticket.assignee == manager
    assert (ticket.source, ticket.category, ticket.priority) == ("nps", "other", "high")
    assert ticket.opened_by is None and ticket.messages.get().author is None  # the portal wrote it, not the dealer
    assert ticket.shipment == delivered and ticket.order == delivered.order
    body = ticket.messages.get().body
    assert "3 out of 10" in body and "Late again" in body and "Delivery" in body and "Price" in body
    # The assignee is mailed by support like for every new ticket.
    assert Notification.objects.filter(recipient="manager@example.com", template="support/ticket_opened").exists()


def test_without_an_account_manager_the_first_sales_agent_follows_up(owner, delivered, dealer):
    first = _sales_agent(dealer, support=True, email="first@example.com")
    _sales_agent(dealer, support=True, email="later@example.com")

    loop = DetractorLoop.objects.get(response=_answer(owner, delivered, 0))

    assert loop.owner == first and loop.ticket.assignee == first


def test_a_sales_agent_who_is_not_a_support_agent_gets_the_ticket_and_works_it_on_the_desk(
        owner, delivered, dealer, other_owner, client):
    """The ticket is assigned to the dealer's sales agent even when the agent does not work the support desk: the
    agent is mailed (in its language), opens the ticket's desk page and answers the dealer there; the rest of the
    desk (the queue, another dealer's ticket) stays closed to it."""
    from django.urls import reverse

    from portal.testing import actor_of
    from support.services import tickets as support_tickets

    _team_for_other()
    agent = _sales_agent(dealer, email="sales@example.com", language="tr")

    loop = DetractorLoop.objects.get(response=_answer(owner, delivered, 5))
    ticket = loop.ticket

    assert loop.owner == agent and ticket.assignee == agent
    assert Notification.objects.get(recipient="sales@example.com", template="support/ticket_opened").language == "tr"
    client.force_login(agent)
    assert client.get(reverse("support:desk_ticket", args=[ticket.number])).status_code == 200
    answered = client.post(reverse("support:desk_reply", args=[ticket.number]),
                           {"body": "I will call you today about the late deliveries."})
    assert answered.status_code in (200, 302)
    assert ticket.messages.filter(from_staff=True, author=agent).exists()
    loop.refresh_from_db()
    assert loop.status == LoopStatus.CONTACTED
    assert client.get(reverse("support:desk")).status_code == 404
    elsewhere = support_tickets.open_ticket(actor=actor_of(other_owner), subject="Other", body="x",
                                            category="other")
    assert client.get(reverse("support:desk_ticket", args=[elsewhere.number])).status_code == 404
    assert client.post(reverse("support:desk_reply", args=[elsewhere.number]), {"body": "x"}).status_code == 404


def test_with_no_sales_agent_the_support_team_gets_the_ticket(owner, delivered, dealer):
    team, member = _team_for_other()

    loop = DetractorLoop.objects.get(response=_answer(owner, delivered, 6))

    assert loop.owner is None and loop.ticket.assignee is None and loop.ticket.team == team
    assert Notification.objects.filter(recipient=member.email, template="support/ticket_opened").exists()
    assert not Notification.objects.filter(template="feedback/detractor_for_agent").exists()


def test_the_ticket_lists_the_dealers_own_orders_shipments_open_tickets_and_overdue_invoices(
        owner, actor, delivered, dealer, other_dealer, staff):
    from payments.testing import InvoiceFactory
    from support.testing import open_as

    today = timezone.localdate()
    late = InvoiceFactory(dealer=dealer, number="INV-LATE-1", total_gross=Decimal("1234.50"),
                          issue_date=today - datetime.timedelta(days=60), due_date=today - datetime.timedelta(days=5))
    InvoiceFactory(dealer=dealer, number="INV-NOT-DUE", due_date=today + datetime.timedelta(days=5))
    InvoiceFactory(dealer=other_dealer, number="INV-OTHER-1", due_date=today - datetime.timedelta(days=5))
    mine = open_as(actor, subject="Panels flicker")
    from dealers.testing import DealerUserFactory
    from support.testing import TicketFactory

    DealerUserFactory(dealer=other_dealer, role="owner")
    other_ticket = TicketFactory(dealer=other_dealer, subject="Someone else's problem")

    body = DetractorLoop.objects.get(response=_answer(owner, delivered, 2)).ticket.messages.get().body

    assert delivered.order.number in body and delivered.number in body
    assert mine.number in body and "Panels flicker" in body
    assert "INV-LATE-1" in body and "1,234.50" in body
    assert "INV-NOT-DUE" not in body
    assert "INV-OTHER-1" not in body and other_ticket.number not in body and "Someone else" not in body
    assert late.number in body


def test_a_second_call_for_the_same_answer_opens_nothing_more(owner, delivered):
    from feedback.services.loop import after_answer

    response = _answer(owner, delivered, 4)
    after_answer(response)

    assert DetractorLoop.objects.count() == 1 and Ticket.objects.filter(source="nps").count() == 1


# --- a passive, a promoter --------------------------------------------------------------------------------------------

def test_a_passive_is_thanked_in_its_language_and_opens_no_ticket(owner, delivered):
    owner.language = "bg"
    owner.save(update_fields=["language"])

    _answer(owner, delivered, 8)

    mail = Notification.objects.get(template="feedback/nps_thanks")
    assert mail.recipient == owner.email and mail.language == "bg"
    assert not Ticket.objects.exists() and not DetractorLoop.objects.exists() and not Story.objects.exists()


def test_a_promoter_is_invited_to_review_each_delivered_product_and_to_write_a_story(owner, delivered, panel):
    response = _answer(owner, delivered, 10)

    story = Story.objects.get(response=response)
    assert story.status == StoryStatus.INVITED and story.dealer == owner.dealer
    mail = Notification.objects.get(template="feedback/nps_promoter")
    assert mail.recipient == owner.email
    assert [p["sku"] for p in mail.context["products"]] == [panel.sku]
    assert mail.context["products"][0]["url"].endswith(reverse("catalog:product", args=[panel.sku]))
    assert mail.context["story_url"].endswith(reverse("feedback:story", args=[story.pk]))
    assert not Ticket.objects.exists()


def test_the_promoter_mail_renders_the_product_links(owner, delivered, panel):
    from portal.outbox import render_notification

    _answer(owner, delivered, 9)

    subject, text, html = render_notification(Notification.objects.get(template="feedback/nps_promoter"))
    assert panel.name in text and reverse("catalog:product", args=[panel.sku]) in html
    assert "/feedback/stories/" in text


# --- the follow-up follows its ticket ----------------------------------------------------------------------------------

@pytest.fixture
def loop(owner, delivered, dealer):
    agent = _sales_agent(dealer, support=True, email="manager@example.com")
    dealer.account_manager = agent
    dealer.save(update_fields=["account_manager"])
    loop = DetractorLoop.objects.get(response=_answer(owner, delivered, 3))
    loop.agent = agent
    return loop


def test_the_first_staff_answer_marks_the_follow_up_contacted_and_resolving_the_ticket_resolves_it(loop):
    from support.services import desk

    desk.add_note(actor=loop.agent, ticket=loop.ticket, body="Calling them tomorrow.")
    loop.refresh_from_db()
    assert loop.status == LoopStatus.OPEN  # an internal note is no answer to the dealer

    desk.staff_reply(actor=loop.agent, ticket=loop.ticket, body="Sorry about the delay, we call you today.")
    loop.refresh_from_db()
    assert loop.status == LoopStatus.CONTACTED and loop.contacted_at is not None

    desk.move(actor=loop.agent, ticket=loop.ticket, to="resolved")
    loop.refresh_from_db()
    assert loop.status == LoopStatus.RESOLVED and loop.resolved_at is not None
    assert [h.to_status for h in loop.history.all()] == ["contacted", "resolved"]


def test_a_reply_that_resolves_at_once_passes_through_contacted(loop):
    from support.services import desk

    desk.staff_reply(actor=loop.agent, ticket=loop.ticket, body="Fixed: a new delivery slot.", then="resolved")

    loop.refresh_from_db()
    assert loop.status == LoopStatus.RESOLVED
    assert [h.to_status for h in loop.history.all()] == ["contacted", "resolved"]


def test_a_reopened_ticket_opens_the_follow_up_again(loop, actor):
    from support.services import desk, reply

    desk.move(actor=loop.agent, ticket=loop.ticket, to="resolved")
    reply(actor=actor, ticket=loop.ticket, body="It happened again.")

    loop.refresh_from_db()
    assert loop.status == LoopStatus.OPEN and loop.resolved_at is None


def test_staff_move_a_follow_up_by_hand_and_others_find_nothing(loop, client, staff, plain_staff, owner):
    url = reverse("feedback:loop_move", args=[loop.pk])

    for user in (owner, plain_staff):
        client.force_login(user)
        assert client.post(url, {"to": "contacted"}).status_code == 404
    loop.refresh_from_db()
    assert loop.status == LoopStatus.OPEN

    client.force_login(staff)
    page = client.post(url, {"to": "contacted", "note": "Called the owner", "next": "/feedback/dashboard/"})
    assert page.status_code == 302 and page["Location"] == "/feedback/dashboard/"
    loop.refresh_from_db()
    assert loop.status == LoopStatus.CONTACTED and loop.history.get().note == "Called the owner"

    # A move the table forbids or an unknown status changes nothing and says why; an outside `next` is not followed.
    page = client.post(url, {"to": "nonsense", "next": "https://evil.example.com/"}, follow=True)
    assert page.redirect_chain[0][0] == reverse("admin:feedback_detractorloop_change", args=[loop.pk])
    assert client.post(url, {"to": "contacted"}).status_code == 302
    loop.refresh_from_db()
    assert loop.status == LoopStatus.CONTACTED and loop.history.count() == 1
    assert client.post(reverse("feedback:loop_move", args=[999999999]), {"to": "open"}).status_code == 404


def test_a_staff_user_with_the_follow_up_right_only_may_move_it(loop, client):
    from django.contrib.auth.models import Permission

    from dealers.testing import UserFactory

    manager = UserFactory(is_staff=True)
    manager.user_permissions.add(Permission.objects.get(codename="change_detractorloop"))
    client.force_login(manager)

    assert client.post(reverse("feedback:loop_move", args=[loop.pk]), {"to": "resolved"}).status_code == 302
    loop.refresh_from_db()
    assert loop.status == LoopStatus.RESOLVED


def test_the_admin_lists_follow_ups_by_status_with_their_ticket(loop, staff_client):
    page = staff_client.get(reverse("admin:feedback_detractorloop_changelist") + "?status__exact=open")
    assert page.status_code == 200 and loop.ticket.number in page.content.decode()

    page = staff_client.post(reverse("admin:feedback_detractorloop_changelist"),
                             {"action": "mark_resolved", "_selected_action": [loop.pk]}, follow=True)
    assert page.status_code == 200
    loop.refresh_from_db()
    assert loop.status == LoopStatus.RESOLVED
