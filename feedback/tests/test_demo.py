"""The feedback demo (feedback.demo): twelve months of NPS answers across tiers, regions and sales agents, detractor
follow-ups in every state with their survey tickets, reviews in every moderation state with the seller's reply, a
rewarded review, a published (Turkish, consented) and an invited story; loading twice creates nothing."""
import pytest
from django.urls import reverse

from feedback import demo
from feedback.models import (
    DetractorLoop,
    LoopStatus,
    NpsInvitation,
    NpsResponse,
    Review,
    ReviewStatus,
    ReviewVote,
    Story,
    StoryStatus,
)
from support.models import Ticket, TicketSource

pytestmark = pytest.mark.django_db


def _counts():
    from dealers.models import Dealer, User
    from orders.models import Order
    from portal.models import Notification

    return (Dealer.objects.count(), User.objects.count(), Order.objects.count(), Ticket.objects.count(),
            NpsInvitation.objects.count(), NpsResponse.objects.count(), DetractorLoop.objects.count(),
            Review.objects.count(), ReviewVote.objects.count(), Story.objects.count(), Notification.objects.count())


@pytest.fixture
def loaded():
    """The demo chain feedback builds on (the dealers, the catalog and prices, shipping with its delivered
    shipments, support's team and tickets), then feedback's."""
    from catalog import demo as catalog_demo
    from dealers import demo as dealers_demo
    from payments import demo as payments_demo
    from portal import demo as portal_demo
    from pricing import demo as pricing_demo
    from shipping import demo as shipping_demo
    from support import demo as support_demo

    for load in (portal_demo.load, dealers_demo.load, catalog_demo.load, pricing_demo.load, payments_demo.load,
                 shipping_demo.load, support_demo.load):
        load()
    return demo.load()


def test_the_demo_has_every_state_and_loads_twice(loaded, client):
    assert loaded == [("sales agent", "agent.deniz@example.com", "demo-pass-2026", "")]
    counts = _counts()
    assert demo.load() == loaded and _counts() == counts

    # Twelve months of answers, across tiers, regions and sales agents, with comments in Turkish and English.
    answers = NpsResponse.objects.select_related("invitation")
    assert 150 <= answers.count() <= 300
    months = {a.responded_at.strftime("%Y-%m") for a in answers}
    assert len(months) >= 12
    assert {a.kind for a in answers} == {"promoter", "passive", "detractor"} and len({a.score for a in answers}) >= 9
    assert len({a.invitation.tier for a in answers}) == 4 and len({a.invitation.city for a in answers}) >= 10
    assert len({a.invitation.sales_agent_id for a in answers}) == 3
    assert len({a.invitation.product_family_id for a in answers}) >= 3
    comments = " ".join(a.comment for a in answers)
    assert "teslimat" in comments and "deliveries" in comments
    assert NpsInvitation.objects.filter(response__isnull=True).exists()  # not every invitation was answered

    # Detractor follow-ups in every state; the recent ones with their survey tickets, worked on the desk.
    for status in LoopStatus.values:
        loop = DetractorLoop.objects.filter(status=status, ticket__isnull=False).select_related("ticket").get()
        assert loop.ticket.source == TicketSource.NPS and loop.response.kind == "detractor"
    assert DetractorLoop.objects.get(status=LoopStatus.RESOLVED, ticket__isnull=False).ticket.status == "resolved"
    assert DetractorLoop.objects.get(status=LoopStatus.CONTACTED).ticket.first_responded_at is not None

    # Reviews in every moderation state, from verified buyers.
    from feedback.services import verified_purchase

    reviews = Review.objects.select_related("product", "dealer")
    published = reviews.filter(status=ReviewStatus.PUBLISHED)
    assert published.count() >= 6 and published.values("product").distinct().count() >= 4
    assert all(verified_purchase(r.dealer, r.product) for r in reviews)
    assert reviews.filter(status=ReviewStatus.PENDING).exists()
    assert reviews.get(status=ReviewStatus.REJECTED).rejection_reason.startswith("Does not follow our review rules")
    assert published.exclude(reply="").count() == 2 and published.filter(photos__isnull=False).exists()
    assert reviews.filter(rewarded=True, reward_campaign__isnull=False).count() == 1
    assert ReviewVote.objects.exists()

    # A published Turkish story with the dealer's consent to its text, and an invited one.
    story = Story.objects.get(status=StoryStatus.PUBLISHED)
    assert story.language == "tr" and story.consent_at is not None and story.edited_body in story.consent_text
    assert Story.objects.filter(status=StoryStatus.INVITED).exists()

    # The dashboard shows it to a manager.
    from dealers.models import User

    client.force_login(User.objects.get(email="admin@example.com"))
    page = client.get(reverse("feedback:dashboard"))
    assert page.status_code == 200
