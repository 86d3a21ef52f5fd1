"""The "voice of the dealer" dashboard (issue 17 §5) and the staff exports API, on a fixed dataset of January to
March 2025: January has 30 answers of gold dealers in İzmir (agent Ayşe, lighting), February 29 of standard dealers
in Ankara (no agent, cables), March none; every NPS with its n, thin under 30."""
import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from catalog.testing import CategoryFactory, ProductFactory
from dealers.testing import AgentFactory, DealerFactory, UserFactory
from feedback import reports
from feedback.models import DetractorLoop, LoopStatus, Review, ReviewStatus
from feedback.testing import NpsInvitationFactory, NpsResponseFactory, ReviewFactory
from portal.models import ApiToken
from support.models import Satisfaction
from support.testing import TicketFactory

pytestmark = pytest.mark.django_db
PERIOD = {"from": "2025-01", "until": "2025-03"}
NOW = None  # set per test through `at`
HIT_QUERIES = 5  # session, user, its permissions (two), the header's sales agent check


def at(month, day, hour=12):
    return dt.datetime(2025, month, day, hour, tzinfo=timezone.get_current_timezone())


def answers(count, score, *, month, dealer, agent=None, family=None):
    return [NpsResponseFactory(score=score, invitation__dealer=dealer, invitation__sales_agent=agent,
                               invitation__product_family=family, invitation__sent_at=at(month, 9),
                               responded_at=at(month, 10)) for _ in range(count)]


@pytest.fixture
def world(db):
    gold = DealerFactory(tier="gold", city="İzmir", trade_name="Işık Elektrik")
    standard = DealerFactory(tier="standard", city="Ankara")
    agent = AgentFactory(first_name="Ayşe", last_name="Agent", dealers=[gold])
    lighting, cables = CategoryFactory(name="Lighting"), CategoryFactory(name="Cables")
    panels = CategoryFactory(name="Panels", parent=lighting)
    january = dict(month=1, dealer=gold, agent=agent, family=lighting)
    # January: 15 promoters, 10 passives, 5 detractors → (15 − 5) / 30 = 33.3 → 33, n = 30 (not thin).
    answers(8, 10, **january), answers(7, 9, **january), answers(6, 8, **january), answers(4, 7, **january)
    detractors = answers(4, 6, **january) + answers(1, 0, **january)
    # February: 9 promoters, 10 passives, 10 detractors → −1 / 29 = −3.4 → −3, n = 29 (thin).
    february = dict(month=2, dealer=standard, family=cables)
    answers(9, 9, **february), answers(10, 7, **february), answers(10, 3, **february)
    # Outside the period: neither counted nor listed.
    NpsResponseFactory(score=0, invitation__dealer=gold, invitation__sent_at=at(12, 1) - dt.timedelta(days=365),
                       responded_at=at(12, 2) - dt.timedelta(days=365))
    # 41 invitations not answered (sent in February): 59 of 100 answered.
    NpsInvitationFactory.create_batch(41, dealer=standard, sent_at=at(2, 5))
    NpsInvitationFactory(dealer=standard, sent_at=at(4, 2))
    # Detractor follow-ups of January's answers: two open (one with a ticket), one contacted, one resolved.
    ticket = TicketFactory(dealer=gold, number="TCK-2025-000042")
    loops = [DetractorLoop.objects.create(response=detractors[0], ticket=ticket),
             DetractorLoop.objects.create(response=detractors[4]),
             DetractorLoop.objects.create(response=detractors[1], status=LoopStatus.CONTACTED),
             DetractorLoop.objects.create(response=detractors[2], status=LoopStatus.RESOLVED)]
    DetractorLoop.objects.filter(pk=loops[0].pk).update(created_at=at(3, 1))
    DetractorLoop.objects.filter(pk=loops[1].pk).update(created_at=at(3, 20))
    # Reviews: lighting (a panel counts under its top-level family) 5 and 3 published, 1 pending; cables 2
    # published, 1 rejected; one of December not counted.
    panel, lamp, cable = ProductFactory(category=panels), ProductFactory(category=lighting), ProductFactory(
        category=cables)
    published = ReviewStatus.PUBLISHED
    ReviewFactory(product=panel, stars=5, status=published, submitted_at=at(1, 5), dealer=gold)
    ReviewFactory(product=lamp, stars=3, status=published, submitted_at=at(2, 5), dealer=standard)
    ReviewFactory(product=lamp, stars=1, submitted_at=at(3, 5), dealer=gold)
    ReviewFactory(product=cable, stars=2, status=published, submitted_at=at(1, 6), dealer=standard)
    ReviewFactory(product=cable, stars=1, status=ReviewStatus.REJECTED, submitted_at=at(2, 6), dealer=standard)
    ReviewFactory(product=cable, stars=5, status=published, submitted_at=at(1, 6) - dt.timedelta(days=40))
    # Support satisfaction: January 5 and 4 (gold), February 2 (standard), one of April not counted.
    for dealer, rating, when in ((gold, 5, at(1, 15)), (gold, 4, at(1, 16)), (standard, 2, at(2, 15)),
                                 (standard, 1, at(4, 15))):
        rated = Satisfaction.objects.create(ticket=TicketFactory(dealer=dealer), rating=rating)
        Satisfaction.objects.filter(pk=rated.pk).update(rated_at=when)
    return {"gold": gold, "standard": standard, "agent": agent, "lighting": lighting, "cables": cables,
            "loops": loops, "ticket": ticket}


def figures(**filters):
    return reports.dashboard(period=reports.period(month_from="2025-01", month_until="2025-03", **filters),
                             now=at(3, 31))


def nps(result):
    return (result.nps, result.n, result.thin)


def test_monthly_and_overall_nps_each_with_its_n(world):
    f = figures()
    # 24 promoters, 20 passives, 15 detractors of 59: 900 / 59 = 15.3 → 15.
    assert (f.overall.nps, f.overall.n, f.overall.promoters, f.overall.passives, f.overall.detractors) == (
        15, 59, 24, 20, 15)
    assert [(row.key, *nps(row.result)) for row in f.by_month] == [
        (dt.date(2025, 1, 1), 33, 30, False), (dt.date(2025, 2, 1), -3, 29, True), (dt.date(2025, 3, 1), None, 0, True)]


def test_breakdowns_by_tier_region_agent_and_family(world):
    f = figures()
    assert [(row.label, *nps(row.result)) for row in f.by_tier] == [("Gold", 33, 30, False),
                                                                      ("Standard", -3, 29, True)]
    assert [(row.label, *nps(row.result)) for row in f.by_region] == [("İzmir", 33, 30, False),
                                                                        ("Ankara", -3, 29, True)]
    assert [(row.label, *nps(row.result)) for row in f.by_agent] == [("Ayşe Agent", 33, 30, False),
                                                                       ("No sales agent", -3, 29, True)]
    assert [(row.label, row.result.n) for row in f.by_family] == [("Lighting", 30), ("Cables", 29)]


def test_thin_flag_is_at_29_answers_and_not_at_30(world):
    january = figures().by_month[0].result
    assert (january.n, january.thin) == (30, False)
    NpsResponseFactory(score=9, invitation__dealer=world["standard"], invitation__sent_at=at(2, 9),
                       responded_at=at(2, 10))
    february = figures().by_month[1].result
    assert (february.n, february.thin, february.nps) == (30, False, 0)


def test_response_rate_loops_reviews_and_support_satisfaction(world):
    f = figures()
    assert (f.invitations_sent, f.invitations_answered, f.response_rate) == (100, 59, Decimal("59.0"))
    assert f.loops == {"open": 2, "contacted": 1, "resolved": 1}
    oldest, newer = f.open_loops
    assert (oldest.dealer_name, oldest.score, oldest.ticket_number, oldest.age_days) == (
        "Işık Elektrik", 6, "TCK-2025-000042", 30)
    assert (newer.score, newer.ticket_number, newer.age_days) == (0, None, 11)
    assert [(r.label, r.submitted, r.published, r.average) for r in f.reviews_by_family] == [
        ("Lighting", 3, 2, Decimal("4.00")), ("Cables", 2, 1, Decimal("2.00"))]
    assert (f.reviews_submitted, f.reviews_published, f.reviews_average) == (5, 3, Decimal("3.33"))
    assert (f.satisfaction.n, f.satisfaction.average) == (3, Decimal("3.67"))
    assert [(m, s.n, s.average) for m, s in f.satisfaction_by_month] == [
        (dt.date(2025, 1, 1), 2, Decimal("4.50")), (dt.date(2025, 2, 1), 1, Decimal("2.00")),
        (dt.date(2025, 3, 1), 0, None)]


def test_a_tier_filters_every_figure(world):
    f = figures(tier="gold")
    assert nps(f.overall) == (33, 30, False) and [row.result.n for row in f.by_month] == [30, 0, 0]
    assert (f.invitations_sent, f.invitations_answered) == (30, 30)
    assert f.loops["open"] == 2 and f.reviews_submitted == 2 and (f.satisfaction.n, f.satisfaction.average) == (
        2, Decimal("4.50"))
    assert figures(tier="silver").overall.nps is None


def test_a_bad_period_is_refused_with_the_reason():
    for filters, field in (({"month_from": "2025-13"}, "from"), ({"month_until": "nonsense\x00"}, "until"),
                           ({"month_from": "2025-03", "month_until": "2025-01"}, "from"),
                           ({"month_from": "1900-01", "month_until": "2025-01"}, "from"),
                           ({"tier": "platinum"}, "tier")):
        with pytest.raises(reports.PeriodError) as refused:
            reports.period(**filters)
        assert refused.value.field == field
    default = reports.period(today=dt.date(2026, 3, 15))
    assert (default.month_from, default.month_until) == (dt.date(2025, 4, 1), dt.date(2026, 3, 1))


def manager():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="feedback", codename="view_npsresponse"))
    return user


def test_the_page_with_charts_n_and_thin_flags(client, world, django_assert_max_num_queries):
    client.force_login(manager())
    page = client.get(reverse("feedback:dashboard"), PERIOD)
    body = page.content.decode()
    assert page.status_code == 200 and body.count("<svg") >= 6 and "cdn" not in body.lower()
    assert "January 2025" in body and "n=30" in body and "n=29" in body and "n &lt; 30: few answers" in body
    assert "Ayşe Agent" in body and "İzmir" in body and "Lighting" in body
    assert reverse("support:desk_ticket", args=["TCK-2025-000042"]) in body
    assert "59.0 %" in body and "4.50" in body


def test_the_page_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    """Computed: 16 queries whatever the number of answers; kept in the cache until feedback changes: the
    session, the user and the page's own checks only."""
    client.force_login(manager())
    url = reverse("feedback:dashboard")
    client.get(reverse("feedback:dashboard"), {"from": "2024-01"})  # the session and permissions are warm
    with django_assert_num_queries(16):
        assert client.get(url, PERIOD).status_code == 200
    with django_assert_num_queries(HIT_QUERIES):
        assert client.get(url, PERIOD).status_code == 200
    answers(40, 10, month=3, dealer=world["gold"], family=world["cables"])
    with django_assert_num_queries(16):
        assert client.get(url, PERIOD).status_code == 200
    with django_assert_num_queries(HIT_QUERIES):
        assert client.get(url, PERIOD).status_code == 200


def overall_n(page):
    return int(re.search(r'id="vod-nps">.*?<span class="nps-n">n = (\d+)</span>', page.content.decode(), re.S)[1])


def loop_count(page, status):
    return int(re.search(rf'<dd data-status="{status}">(\d+)</dd>', page.content.decode())[1])


def ratings(page):
    return int(re.search(r"Ratings</dt><dd>(\d+)</dd>", page.content.decode())[1])


def test_every_change_of_feedback_shows_on_the_page_at_once(client, world):
    """The figures are kept in the cache, but a new answer, a follow-up moved, a review published and a support
    rating given show on the next page view (never stale figures)."""
    client.force_login(manager())
    url = reverse("feedback:dashboard")
    page = client.get(url, PERIOD)
    assert overall_n(page) == 59 and loop_count(page, "open") == 2 and "59.0 %" in page.content.decode()
    NpsResponseFactory(score=10, invitation__dealer=world["gold"], invitation__sent_at=at(3, 1),
                       responded_at=at(3, 2))
    page = client.get(url, PERIOD)
    assert overall_n(page) == 60 and "59.4 %" in page.content.decode()  # 60 of 101 invitations answered
    loop = world["loops"][1]
    loop.status = LoopStatus.RESOLVED
    loop.save()
    page = client.get(url, PERIOD)
    assert loop_count(page, "open") == 1 and loop_count(page, "resolved") == 2
    pending = Review.objects.get(status=ReviewStatus.PENDING)
    pending.status = ReviewStatus.PUBLISHED
    pending.save()
    assert "3.00" in client.get(url, PERIOD).content.decode()  # lighting: 5, 3 and 1 stars published
    assert ratings(client.get(url)) == 0  # the last 12 months
    Satisfaction.objects.create(ticket=TicketFactory(dealer=world["gold"]), rating=1)
    assert ratings(client.get(url)) == 1
    world["agent"].first_name = "Ayten"
    world["agent"].save()
    assert "Ayten Agent" in client.get(url, PERIOD).content.decode()


def test_the_open_follow_ups_age_as_the_days_pass_on_a_kept_page(client, world):
    client.force_login(manager())
    url = reverse("feedback:dashboard")
    with time_machine.travel(at(3, 31), tick=False):
        body = client.get(url, PERIOD).content.decode()
        assert ">30 days<" in body and ">11 days<" in body
    with time_machine.travel(at(4, 2), tick=False):
        body = client.get(url, PERIOD).content.decode()
        assert ">32 days<" in body and ">13 days<" in body and ">30 days<" not in body


def test_a_bad_filter_shows_its_error_and_the_default_figures(client, world):
    client.force_login(manager())
    page = client.get(reverse("feedback:dashboard"), {"from": "2025-03", "until": "2025-01"})
    assert page.status_code == 200 and "The first month comes after the last one." in page.content.decode()


def test_the_csv_holds_every_figure_with_its_n(client, world):
    client.force_login(manager())
    for answer in (client.get(reverse("feedback:dashboard"), {**PERIOD, "format": "csv"}),
                   client.get(reverse("feedback:dashboard_csv"), PERIOD)):
        assert answer["Content-Type"].startswith("text/csv") and "attachment" in answer["Content-Disposition"]
        lines = answer.content.decode("utf-8-sig").splitlines()
        assert lines[0] == "Section,Figure,Value,n,Note"
        assert "NPS,All answers,15,59," in lines
        assert "NPS by month,January 2025,33,30," in lines
        assert "NPS by month,February 2025,-3,29,n < 30: few answers" in lines
        assert "NPS by month,March 2025,,0,n < 30: few answers" in lines
        assert "NPS by tier,Gold,33,30," in lines and "NPS by sales agent,Ayşe Agent,33,30," in lines
        assert "Response rate,Response rate (%),59.0,100," in lines
        assert "Detractor follow-ups,Open,2,," in lines
        assert "Reviews by product family,Lighting,4.00,2,3 submitted" in lines
        assert "Support satisfaction,All ratings,3.67,3," in lines
        assert "Support satisfaction,January 2025,4.50,2," in lines


def test_csv_cells_cannot_run_as_formulas(client, world):
    NpsResponseFactory(score=9, invitation__city="=HYPERLINK(1)", invitation__sent_at=at(3, 1),
                       responded_at=at(3, 2))
    client.force_login(manager())
    text = client.get(reverse("feedback:dashboard_csv"), PERIOD).content.decode("utf-8-sig")
    assert "NPS by region,'=HYPERLINK(1),100,1,n < 30: few answers" in text


def test_only_managers_see_it(client, world, staff, plain_staff, owner, agent):
    url = reverse("feedback:dashboard")
    for user, status in ((staff, 200), (manager(), 200), (plain_staff, 404), (owner, 404), (agent, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.get(reverse("feedback:dashboard_csv")).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302


def test_the_admin_index_links_managers_to_it(client, plain_staff):
    url = reverse("feedback:dashboard")
    client.force_login(manager())
    assert url in client.get(reverse("admin:index")).content.decode()
    client.force_login(plain_staff)
    assert url not in client.get(reverse("admin:index")).content.decode()


# --- the staff exports API -------------------------------------------------------------------------------------------

def test_the_summary_and_responses_through_a_feedback_read_token(world, token_client):
    api = token_client(None, ApiToken.Scope.FEEDBACK_READ)
    summary = api.get("/api/v1/feedback/summary/", PERIOD)
    assert summary.status_code == 200, summary.content
    data = summary.json()
    assert data["nps"] == {"nps": 15, "n": 59, "thin": False, "promoters": 24, "passives": 20, "detractors": 15}
    assert [(m["key"], m["nps"]["nps"], m["nps"]["n"], m["nps"]["thin"]) for m in data["by_month"]] == [
        ("2025-01", 33, 30, False), ("2025-02", -3, 29, True), ("2025-03", None, 0, True)]
    assert data["response_rate"] == "59.0" and data["loops"] == {"open": 2, "contacted": 1, "resolved": 1}
    assert data["reviews_by_product_family"][0]["average_stars"] == "4.00"
    assert data["support_satisfaction"]["average"] == "3.67"
    page = api.get("/api/v1/feedback/responses/", {**PERIOD, "tier": "gold"})
    assert page.status_code == 200 and page.json()["count"] == 30
    first = page.json()["results"][0]
    assert (first["tier"], first["city"], first["sales_agent"], first["product_family"], first["dealer"]) == (
        "gold", "İzmir", world["agent"].email, "Lighting", world["gold"].code)
    assert first["kind"] in {"promoter", "passive", "detractor"} and first["sent_at"]


def test_the_api_refuses_others_and_bad_periods(world, token_client, client, plain_staff):
    api = token_client(None, ApiToken.Scope.FEEDBACK_READ)
    refused = api.get("/api/v1/feedback/summary/", {"from": "2025-13"})
    assert refused.status_code == 400 and refused.json()["code"] == "feedback.bad_period"
    other = token_client(None, ApiToken.Scope.DEALERS_READ)
    assert other.get("/api/v1/feedback/responses/").status_code == 403
    client.force_login(plain_staff)
    assert client.get("/api/v1/feedback/summary/").status_code == 403
    client.force_login(manager())
    assert client.get("/api/v1/feedback/summary/", PERIOD).json()["nps"]["n"] == 59
