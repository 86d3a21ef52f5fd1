"""A ticket's SLA clocks in the database (support/services/clocks.py): the TICKET.moved listener keeps them right
whoever moves the ticket (paused while waiting on the dealer, the pause credited to both clocks, resolved/closed
stamped), a tier change recomputes, and the beat job warns at 80 % and escalates a breach, once each. The calendar
and the policies are the preloaded ones (migration 0003): Monday–Friday 09:00–18:00 Europe/Istanbul; standard/normal
is 8 business hours to a first answer and 3 business days to resolution."""
import datetime as dt

import pytest
import time_machine
from django.db import transaction

from dealers.testing import StaffFactory
from portal.models import Notification
from support.models import TICKET, Ticket, TicketStatus
from support.services import recompute_due
from support.services.clocks import check_sla
from support.services.sla import ISTANBUL
from support.testing import TeamFactory, TicketFactory

TS = TicketStatus
pytestmark = pytest.mark.django_db


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=ISTANBUL)


def open_ticket(opened="2026-01-12 09:00", **fields):  # a Monday
    ticket = TicketFactory(created_at=at(opened), **fields)
    return recompute_due(ticket=ticket)


def move(ticket, to, when, actor=None):
    with time_machine.travel(at(when), tick=False), transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        TICKET.move(locked, to=to, actor=actor)
    return Ticket.objects.get(pk=ticket.pk)


def test_a_new_ticket_gets_its_due_times_from_the_preloaded_policy_and_calendar():
    ticket = open_ticket()
    assert ticket.dealer.tier == "standard" and ticket.priority == "normal"
    assert ticket.first_response_due == at("2026-01-12 17:00")
    assert ticket.resolution_due == at("2026-01-14 18:00")
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.first_response_due, stored.resolution_due) == (at("2026-01-12 17:00"), at("2026-01-14 18:00"))


def test_waiting_on_the_dealer_pauses_both_clocks_and_the_pause_is_credited_to_both(staff):
    ticket = open_ticket()
    ticket = move(ticket, TS.OPEN, "2026-01-12 09:30", staff)
    assert ticket.paused_at is None and ticket.first_response_due == at("2026-01-12 17:00")
    ticket = move(ticket, TS.WAITING_ON_DEALER, "2026-01-12 10:00", staff)
    assert ticket.paused_at == at("2026-01-12 10:00")
    # The dealer answers on Tuesday at 10:00: 9 business hours paused, added to both clocks.
    ticket = move(ticket, TS.OPEN, "2026-01-13 10:00", ticket.opened_by)
    assert ticket.paused_at is None and ticket.paused_seconds == 9 * 3600
    assert ticket.first_response_due == at("2026-01-13 17:00")
    assert ticket.resolution_due == at("2026-01-15 18:00")


def test_a_pause_over_a_weekend_counts_only_business_time(staff):
    ticket = open_ticket("2026-01-09 16:00")  # a Friday
    ticket = move(ticket, TS.WAITING_ON_DEALER, "2026-01-09 17:00", staff)
    ticket = move(ticket, TS.OPEN, "2026-01-12 10:00", None)  # Monday
    assert ticket.paused_seconds == 2 * 3600
    # 1 of the 8 business hours used before the pause, 7 left from Monday 10:00.
    assert ticket.first_response_due == at("2026-01-12 17:00")


def test_resolved_and_closed_are_stamped_and_a_reopened_ticket_gets_its_resolved_time_back(staff):
    ticket = open_ticket()
    ticket = move(ticket, TS.WAITING_ON_DEALER, "2026-01-12 10:00", staff)
    ticket = move(ticket, TS.RESOLVED, "2026-01-12 11:00", staff)  # resolved while waiting: the pause ends
    assert ticket.resolved_at == at("2026-01-12 11:00") and ticket.paused_at is None
    assert ticket.paused_seconds == 3600
    ticket = move(ticket, TS.OPEN, "2026-01-12 13:00", None)  # the dealer reopens it
    assert ticket.resolved_at is None and ticket.paused_seconds == 3 * 3600
    assert ticket.resolution_due == at("2026-01-15 12:00")
    ticket = move(ticket, TS.CLOSED, "2026-01-12 14:00", staff)
    assert ticket.closed_at == at("2026-01-12 14:00") and ticket.resolved_at == at("2026-01-12 14:00")


def test_a_priority_change_recomputes_from_the_opening():
    ticket = open_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(priority="urgent")
    ticket = recompute_due(ticket=Ticket.objects.get(pk=ticket.pk))
    assert ticket.first_response_due == at("2026-01-12 11:00")  # standard/urgent: 2 hours, 1 day
    assert ticket.resolution_due == at("2026-01-12 18:00")


def test_a_tier_change_recomputes_the_dealers_open_tickets():
    ticket = open_ticket()
    done = open_ticket(dealer=ticket.dealer)
    Ticket.objects.filter(pk=done.pk).update(status=TS.CLOSED)
    dealer = ticket.dealer
    dealer.tier = "key_account"
    dealer.save()
    ticket.refresh_from_db()
    assert ticket.first_response_due == at("2026-01-12 10:00")  # key account/normal: 1 hour, 6 hours
    assert ticket.resolution_due == at("2026-01-12 15:00")
    assert Ticket.objects.get(pk=done.pk).first_response_due == at("2026-01-12 17:00")  # a closed one stays


# --- the beat job ---------------------------------------------------------------------------------------------------

def mails(template):
    return list(Notification.objects.filter(template=template).order_by("pk"))


@pytest.fixture
def lead(db):
    return StaffFactory(first_name="Leyla", last_name="Lead", language="tr")


@pytest.fixture
def assignee(db):
    return StaffFactory(first_name="Ali", last_name="Agent", language="en")


def test_the_assignee_is_warned_once_at_80_percent_and_the_lead_told_once_of_a_breach(lead, assignee):
    ticket = open_ticket(team=TeamFactory(lead=lead), assignee=assignee)
    # 80 % of 8 business hours from Monday 09:00 is 15:24.
    assert check_sla(now=at("2026-01-12 15:20")) == 0 and not mails("support/sla_warning")
    assert check_sla(now=at("2026-01-12 15:25")) == 1
    [warning] = mails("support/sla_warning")
    assert warning.recipient == assignee.email and warning.language == "en"
    assert warning.context["clock"] == "first_response" and warning.context["number"] == ticket.number
    assert check_sla(now=at("2026-01-12 15:40")) == 0  # once
    ticket.refresh_from_db()
    assert ticket.first_response_warned_at == at("2026-01-12 15:25") and ticket.resolution_warned_at is None

    assert check_sla(now=at("2026-01-12 17:01")) == 1
    [breach] = mails("support/sla_breached")
    assert breach.recipient == lead.email and breach.language == "tr"  # the lead's language
    assert check_sla(now=at("2026-01-12 17:30")) == 0  # once
    ticket.refresh_from_db()
    assert ticket.first_response_breached_at == at("2026-01-12 17:01")

    # The resolution clock: 80 % of 3 business days is Wednesday 12:36; due Wednesday 18:00.
    assert check_sla(now=at("2026-01-14 12:40")) == 1
    assert [m.context["clock"] for m in mails("support/sla_warning")] == ["first_response", "resolution"]
    assert check_sla(now=at("2026-01-14 18:05")) == 1 and check_sla(now=at("2026-01-15 10:00")) == 0
    assert [m.context["clock"] for m in mails("support/sla_breached")] == ["first_response", "resolution"]


def test_a_first_answer_stops_the_first_response_clock(assignee):
    from support.services import mark_first_response

    ticket = open_ticket(assignee=assignee)
    mark_first_response(ticket=ticket, at=at("2026-01-12 10:00"))
    assert check_sla(now=at("2026-01-12 17:30")) == 0
    assert Ticket.objects.get(pk=ticket.pk).first_responded_at == at("2026-01-12 10:00")


def test_with_nobody_assigned_the_team_lead_is_warned(lead):
    open_ticket(team=TeamFactory(lead=lead))
    assert check_sla(now=at("2026-01-12 16:00")) == 1
    assert [m.recipient for m in mails("support/sla_warning")] == [lead.email]


def test_a_breach_found_late_is_escalated_without_a_warning_first(lead, assignee):
    ticket = open_ticket(team=TeamFactory(lead=lead), assignee=assignee)
    assert check_sla(now=at("2026-01-12 17:30")) == 1
    assert not mails("support/sla_warning") and len(mails("support/sla_breached")) == 1
    ticket.refresh_from_db()
    assert ticket.first_response_warned_at and ticket.first_response_breached_at


def test_a_paused_ticket_is_neither_warned_nor_escalated(lead, assignee, staff):
    ticket = open_ticket(team=TeamFactory(lead=lead), assignee=assignee)
    move(ticket, TS.WAITING_ON_DEALER, "2026-01-12 10:00", staff)
    assert check_sla(now=at("2026-01-13 17:30")) == 0
    assert not mails("support/sla_warning") and not mails("support/sla_breached")


def test_the_mails_render_in_the_recipients_language(lead, assignee):
    from portal.outbox import render_notification

    open_ticket(team=TeamFactory(lead=lead), assignee=assignee, subject="Broken panel")
    check_sla(now=at("2026-01-12 15:30"))
    subject, text, html = render_notification(mails("support/sla_warning")[0])
    assert "80 % of its first-response time is used" in subject
    assert "Broken panel" in text and "Open the ticket" in html


# --- the admin --------------------------------------------------------------------------------------------------

def test_the_admin_lists_the_policies_the_working_hours_and_the_holidays(staff_client):
    for name in ("slapolicy", "workinghours", "holiday"):
        page = staff_client.get(f"/admin/support/{name}/")
        assert page.status_code == 200
    assert "Kurban Bayramı arifesi" in staff_client.get("/admin/support/holiday/?q=arifesi").content.decode()
    assert "8:00" in staff_client.get("/admin/support/slapolicy/?tier=standard").content.decode()


def test_changing_a_policy_in_the_admin_recomputes_the_open_tickets(staff_client):
    from support.models import SlaPolicy

    ticket = open_ticket()
    policy = SlaPolicy.objects.get(tier="standard", priority="normal")
    page = staff_client.post(f"/admin/support/slapolicy/{policy.pk}/change/", {
        "priority": "normal", "tier": "standard", "first_response_minutes": 120, "resolution_minutes": 540})
    assert page.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.first_response_due, ticket.resolution_due) == (at("2026-01-12 11:00"), at("2026-01-12 18:00"))


def test_a_new_holiday_in_the_admin_moves_the_due_times(staff_client):
    ticket = open_ticket()
    page = staff_client.post("/admin/support/holiday/add/", {"date": "2026-01-12", "name": "Snow day"})
    assert page.status_code == 302
    ticket.refresh_from_db()
    assert ticket.first_response_due == at("2026-01-13 17:00")
