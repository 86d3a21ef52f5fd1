"""Metrics for the support manager (issue 15, section 7): figures on a small fixed set of tickets, in business hours
of a Monday–Friday 09:00–18:00 calendar; the page and its CSV only for team leads and superusers."""
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dealers.testing import DealerFactory, UserFactory
from support.models import Holiday, Satisfaction
from support.services import metrics_rows, support_metrics
from support.testing import TeamFactory, TicketFactory, office_hours

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")


def at(day, hour, minute=0):
    """A local moment in the week of Monday 2 March 2026 (day 0 = Monday)."""
    return dt.datetime(2026, 3, 2, hour, minute, tzinfo=IST) + dt.timedelta(days=day)


NOW = at(4, 12)  # Friday 12:00


@pytest.fixture
def tickets(db):
    office_hours()
    Holiday.objects.filter(date__range=(dt.date(2026, 2, 20), dt.date(2026, 3, 10))).delete()
    standard, gold = DealerFactory(tier="standard"), DealerFactory(tier="gold")
    lead = UserFactory(is_staff=True, first_name="Leyla", last_name="Lead")
    team = TeamFactory(name="Deliveries", lead=lead)
    common = {"dealer": standard, "created_at": at(0, 9), "first_response_due": at(0, 11)}
    t1 = TicketFactory(**common, category="delivery", team=team, assignee=lead, status="closed",
                       first_responded_at=at(0, 10), resolved_at=at(0, 13), resolution_due=at(1, 12),
                       satisfaction_asked_at=at(0, 13))
    t2 = TicketFactory(**common, category="delivery", team=team, status="resolved",
                       first_responded_at=at(0, 11), resolved_at=at(1, 10), resolution_due=at(1, 12),
                       satisfaction_asked_at=at(1, 10))
    t3 = TicketFactory(**common, category="invoice", status="resolved", paused_seconds=3600,
                       first_responded_at=at(0, 12), resolved_at=at(2, 9), resolution_due=at(1, 12),
                       satisfaction_asked_at=at(2, 9))
    t4 = TicketFactory(**common, category="order", status="open", first_responded_at=at(1, 9, 30),
                       resolution_due=at(9, 12))
    t5 = TicketFactory(dealer=gold, created_at=at(4, 10), category="order", status="new")
    old = TicketFactory(dealer=standard, created_at=at(-7, 9), status="waiting_on_dealer")
    Satisfaction.objects.create(ticket=t1, rating=5, comment="Great")
    Satisfaction.objects.create(ticket=t2, rating=3)
    return {"lead": lead, "team": team, "t": [t1, t2, t3, t4, t5], "old": old}


def test_times_in_business_hours_attainment_and_backlog(tickets):
    m = support_metrics(opened_from=dt.date(2026, 3, 1), opened_to=dt.date(2026, 3, 31), now=NOW)
    assert m.tickets == 5
    # First responses after 1, 2, 3 and 9.5 business hours (Monday 18:00 to Tuesday 09:00 does not count).
    assert (m.first_response.count, m.first_response.median_hours, m.first_response.p90_hours) == (
        4, Decimal("2.50"), Decimal("7.55"))
    # Resolutions after 4, 10 and 18 − 1 (waiting on the dealer) = 17 business hours; the open ticket not counted.
    assert (m.resolution.count, m.resolution.median_hours, m.resolution.p90_hours) == (
        3, Decimal("10.00"), Decimal("15.60"))
    # First response due Monday 11:00: two in time (one exactly on time), two late; 50 %.
    assert (m.first_response.met, m.first_response.breached, m.first_response.attainment) == (2, 2, Decimal("50.0"))
    # Resolution due Tuesday 12:00: two met, one late; the open ticket still has time (not counted).
    assert (m.resolution.met, m.resolution.breached, m.resolution.attainment) == (2, 1, Decimal("66.7"))
    # Friday 12:00: the open ticket of Monday 09:00 is 39 business hours (4.3 days) old, the new one 2 hours.
    assert m.backlog == [("0–1 business days", 1), ("1–3 business days", 0), ("3–7 business days", 1),
                         ("7+ business days", 0)]
    assert m.by_category == [("Delivery", 2), ("Order", 2), ("Invoice or payment", 1)]
    assert m.by_tier == [("Standard", 4), ("Gold", 1)]
    assert m.by_team == [("No team", 3), ("Deliveries", 2)]
    assert m.by_agent == [("Unassigned", 4), ("Leyla Lead", 1)]
    assert (m.satisfaction_asked, m.satisfaction_rated, m.satisfaction_response_rate, m.satisfaction_average) == (
        3, 2, Decimal("66.7"), Decimal("4.00"))
    assert m.satisfaction_distribution == [(5, 1), (4, 0), (3, 1), (2, 0), (1, 0)]


def test_without_a_date_range_the_old_ticket_is_in_the_backlog_and_a_tier_filters(tickets):
    m = support_metrics(now=NOW)
    assert m.tickets == 6 and m.backlog[-1] == ("7+ business days", 1)
    gold = support_metrics(tier="gold", now=NOW)
    assert gold.tickets == 1 and gold.first_response.count == 0 and gold.first_response.median_hours is None
    assert gold.backlog[0] == ("0–1 business days", 1)


def test_the_page_and_its_csv(client, tickets):
    client.force_login(tickets["lead"])
    url = reverse("support:metrics")
    page = client.get(url, {"opened_from": "2026-03-01", "opened_to": "2026-03-31"})
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and "Backlog by age" in body and "Deliveries" in body
    assert "cdn" not in body.lower()
    answer = client.get(url, {"opened_from": "2026-03-01", "opened_to": "2026-03-31", "tier": "standard",
                              "format": "csv"})
    assert answer["Content-Type"].startswith("text/csv") and "attachment" in answer["Content-Disposition"]
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Section,Figure,Value"
    assert "Tickets,Tickets opened,4" in lines
    assert "First response,Median (business hours),2.50" in lines
    assert "By team,Deliveries,2" in lines and "Satisfaction,Average rating,4.00" in lines


def test_csv_cells_cannot_run_as_formulas(client, tickets):
    TeamFactory(name="=HYPERLINK(1)", lead=tickets["lead"])
    tickets["t"][2].team = tickets["lead"].led_support_teams.get(name="=HYPERLINK(1)")
    tickets["t"][2].save(update_fields=["team"])
    rows = metrics_rows(support_metrics(now=NOW))
    assert ("By team", "=HYPERLINK(1)", 1) in rows
    client.force_login(tickets["lead"])
    text = client.get(reverse("support:metrics"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "By team,'=HYPERLINK(1),1" in text


def test_only_team_leads_and_superusers(client, tickets, staff, plain_staff, owner, agent):
    url = reverse("support:metrics")
    for user, status in ((staff, 200), (tickets["lead"], 200), (plain_staff, 404), (owner, 404), (agent, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.get(url, {"format": "csv"}).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302
