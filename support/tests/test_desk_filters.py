"""The desk queue's filters are kept in each process by desk version, language and values (issue 18): a new team,
a renamed agent and a user who joins or leaves the support agents show at once, each language reads its own, and a
page the desk has kept reads no teams, agents or tickets."""
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from dealers.testing import UserFactory
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


def _filters(client, **query):
    html = client.get(reverse("support:desk"), query).content.decode()
    return html[html.index('id="desk-filters"'):html.index("</form>", html.index('id="desk-filters"'))]


def test_the_filters_follow_teams_agents_and_their_groups_at_once(desk_client, support_agent):
    assert "Kargo" not in _filters(desk_client, queue="open")
    team = TeamFactory(name="Kargo")
    assert f'<option value="{team.pk}">Kargo</option>' in _filters(desk_client, queue="open")
    newcomer = UserFactory(is_staff=True, first_name="Ece", last_name="Yeni")
    assert "Ece Yeni" not in _filters(desk_client, queue="open")
    newcomer.groups.add(Group.objects.get(name=SUPPORT_AGENTS_GROUP))
    assert f'<option value="{newcomer.pk}">Ece Yeni</option>' in _filters(desk_client, queue="open")
    newcomer.first_name = "Ela"
    newcomer.save()
    assert "Ela Yeni" in _filters(desk_client, queue="open")
    newcomer.groups.clear()
    assert "Ela Yeni" not in _filters(desk_client, queue="open")
    team.delete()
    assert "Kargo" not in _filters(desk_client, queue="open")


def test_the_filters_keep_their_values_errors_and_language(desk_client, support_agent):
    team = TeamFactory(name="Fatura")
    chosen = _filters(desk_client, queue="open", team=team.pk, priority="high", q="panel")
    assert f'<option value="{team.pk}" selected>Fatura</option>' in chosen
    assert '<option value="high" selected>' in chosen and 'value="panel"' in chosen
    assert '<option value="high" selected>' not in _filters(desk_client, queue="open")
    assert "errorlist" in _filters(desk_client, queue="open", status="gone")
    desk_client.cookies["django_language"] = "tr"
    assert "Öncelik" in _filters(desk_client, queue="open", team=team.pk)
    desk_client.cookies["django_language"] = "en"
    assert "Priority" in _filters(desk_client, queue="open", team=team.pk)


def test_a_bad_filter_is_dropped_and_a_good_one_narrows(desk_client, support_agent):
    high = TicketFactory(priority="high", status="open")
    low = TicketFactory(priority="low", status="open")
    html = desk_client.get(reverse("support:desk"), {"priority": "high"}).content.decode()
    assert high.number in html and low.number not in html
    html = desk_client.get(reverse("support:desk"), {"priority": "loud"}).content.decode()
    assert high.number in html and low.number in html


def test_a_kept_queue_page_reads_no_teams_agents_or_tickets(desk_client, support_agent,
                                                            django_assert_max_num_queries):
    TicketFactory(status="open", assignee=support_agent, team=TeamFactory())
    desk_client.get(reverse("support:desk"), {"queue": "open"})
    # the session, the user, the desk's permission (its group), the quarantine badge; the header's own reads
    with django_assert_max_num_queries(7) as kept:
        assert desk_client.get(reverse("support:desk"), {"queue": "open"}).status_code == 200
    sql = " ".join(query["sql"] for query in kept.captured_queries)
    assert "support_ticket" not in sql and "support_team" not in sql and "DISTINCT" not in sql
