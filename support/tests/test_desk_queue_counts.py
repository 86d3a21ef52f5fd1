"""The desk's queue page counts and pages tickets from indexes and one aggregate (issue 15 §2, the desk benchmark):
what it shows must stay what a straightforward count over every ticket says."""
import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from dealers.testing import UserFactory
from support import selectors
from support.models import Ticket
from support.permissions import SUPPORT_AGENTS_GROUP
from support.testing import TeamFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_agent(db):
    user = UserFactory(is_staff=True, first_name="Deniz", last_name="Destek")
    user.groups.add(Group.objects.get(name=SUPPORT_AGENTS_GROUP))
    return user


@pytest.fixture
def desk_client(client, support_agent):
    client.force_login(support_agent)
    return client


def _mixed_tickets(dealer, me, other):
    """Tickets of every kind the queues tell apart: statuses, assignees, paused, due, late, warned, responded."""
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    team = TeamFactory()
    for status in ("new", "open", "waiting_on_dealer", "resolved", "closed"):
        for assignee in (me, other, None):
            for due in (None, now - 3 * hour, now + hour / 2, now + 30 * hour):
                for responded in (None, now - 5 * hour):
                    TicketFactory(
                        dealer=dealer, status=status, assignee=assignee, team=team if assignee else None,
                        first_response_due=due, resolution_due=due and due + 2 * hour,
                        first_responded_at=responded,
                        paused_at=now - hour if status == "waiting_on_dealer" else None)
    # warned ones (the SLA beat job's 80 %) with far due times
    TicketFactory(dealer=dealer, status="open", first_response_due=now + 30 * hour,
                  resolution_due=now + 40 * hour, first_response_warned_at=now)
    TicketFactory(dealer=dealer, status="open", first_response_due=now + 30 * hour, first_responded_at=now,
                  resolution_due=now + 40 * hour, resolution_warned_at=now)


def _straightforward(me):
    """Each queue counted by reading every ticket in Python."""
    now, horizon = selectors._desk_now_and_horizon()
    counts = dict.fromkeys(("open", "mine", "unassigned", "breaching", "breached", "waiting"), 0)
    for t in Ticket.objects.all():
        is_open = t.status not in ("resolved", "closed")
        running = is_open and t.paused_at is None
        first_late = t.first_responded_at is None and t.first_response_due is not None and t.first_response_due < now
        resolution_late = t.resolution_due is not None and t.resolution_due < now
        first_soon = t.first_responded_at is None and (
            (t.first_response_due is not None and t.first_response_due <= horizon)
            or t.first_response_warned_at is not None)
        resolution_soon = ((t.resolution_due is not None and t.resolution_due <= horizon)
                           or t.resolution_warned_at is not None)
        counts["open"] += is_open
        counts["mine"] += is_open and t.assignee_id == me.pk
        counts["unassigned"] += is_open and t.assignee_id is None
        counts["breaching"] += running and (first_soon or resolution_soon) and not (first_late or resolution_late)
        counts["breached"] += running and (first_late or resolution_late)
        counts["waiting"] += t.status == "waiting_on_dealer"
    return counts


def test_the_queue_counts_match_a_straightforward_count(support_agent, dealer):
    _mixed_tickets(dealer, support_agent, UserFactory(is_staff=True))
    expected = _straightforward(support_agent)
    assert all(expected.values())  # every queue holds something: the comparison means something
    assert selectors.desk_queue_counts(user=support_agent) == expected


def test_the_page_shows_those_counts_and_pages_each_queue_whole(desk_client, support_agent, dealer):
    _mixed_tickets(dealer, support_agent, UserFactory(is_staff=True))
    cache.delete(f"support:desk:counts:{support_agent.pk}")
    expected = _straightforward(support_agent)
    url = reverse("support:desk")
    for queue, count in expected.items():
        cache.delete(f"support:desk:counts:{support_agent.pk}")
        response = desk_client.get(url, {"queue": queue})
        shown = {key: badge for key, _label, badge in response.context["queues"]}
        assert {key: shown[key] for key in expected} == expected
        page = response.context["page"]
        assert page.paginator.count == count
        numbers = {t.number for t in page.object_list}
        for number in range(2, page.paginator.num_pages + 1):
            numbers |= {t.number for t in desk_client.get(url, {"queue": queue, "page": number})
                        .context["page"].object_list}
        assert len(numbers) == count
        assert f'data-queue="{queue}"' in response.content.decode()


def test_counts_are_kept_a_few_seconds_but_the_list_is_always_fresh(desk_client, support_agent, dealer):
    TicketFactory(dealer=dealer, status="open")
    url = reverse("support:desk")
    first = desk_client.get(url, {"queue": "open"})
    assert first.context["page"].paginator.count == 1
    newer = TicketFactory(dealer=dealer, status="open")
    again = desk_client.get(url, {"queue": "open"})
    assert newer.number in {t.number for t in again.context["page"].object_list}
    assert again.context["page"].paginator.count == 2  # the list counts itself when the badges come from the cache
    assert selectors.DESK_COUNTS_SECONDS <= 10


def test_search_by_a_word_of_the_subject_or_part_of_the_number_finds_the_same(desk_client, dealer, other_dealer):
    one = TicketFactory(dealer=dealer, subject="Kırık LED panel geldi")
    two = TicketFactory(dealer=other_dealer, subject="Fatura sorusu")
    url = reverse("support:desk")

    def found(q):
        return {t.number for t in desk_client.get(url, {"q": q, "queue": "all"}).context["page"].object_list}

    assert found("led PANEL") == {one.number}
    assert found(one.number[-4:]) >= {one.number}
    assert found(two.number.lower()) == {two.number}
    assert found(other_dealer.code) == {two.number}
    assert found(other_dealer.legal_name[:6]) >= {two.number}
    three = TicketFactory(dealer=dealer, subject="Koli eksik", waybill_number="IRS-2026-000123",
                          tracking_code="YK123ABC")
    assert found("irs-2026-000123") == {three.number}
    assert found("yk123abc") == {three.number}
    assert found("yk123") == set()  # waybill and tracking code: the whole code, as before


def test_a_change_shows_at_once_though_the_rows_are_cached(desk_client, support_agent, dealer):
    from support.services import desk

    ticket = TicketFactory(dealer=dealer, status="open", subject="Eski konu")
    url = reverse("support:desk")

    def page():
        html = desk_client.get(url, {"queue": "open"}).content.decode()
        return html[html.index('id="desk-tickets"'):html.index("</table>")]

    first = page()
    assert "Eski konu" in first and page() == first  # the second one from the cache, the same
    desk.assign(actor=support_agent, ticket=ticket, assignee=support_agent)
    assert "Deniz Destek" in page()
    dealer.trade_name = "Yeni Ticaret"
    dealer.save()
    assert "Yeni Ticaret" in page()
    ticket.refresh_from_db()
    ticket.subject = "Yeni konu"
    ticket.save()
    assert "Yeni konu" in page()
    support_agent.first_name = "Ayşe"
    support_agent.save()
    assert "Ayşe Destek" in page()
    TicketFactory(dealer=dealer, status="resolved", subject="Çözüldü")
    assert "Çözüldü" not in page()
