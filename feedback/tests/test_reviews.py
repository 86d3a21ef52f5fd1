"""Product reviews (issue 17, section 3 and the reward of section 4): verified buyers only, one per product and user,
edits back to moderation, moderation with the author's mail, replies, helpful votes, photos checked by content, the
reward on submission, anonymising on user deletion, isolation."""
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.errors import (
    AlreadyReviewed,
    BadReviewPhoto,
    ModerationNotAllowed,
    ReviewInvalid,
    ReviewNotAllowed,
    VoteNotAllowed,
)
from feedback.models import Review, ReviewStatus, ReviewVote, SurveySettings
from feedback.testing import deliver, published_review, review_of
from portal.models import Notification
from portal.testing import actor_of, run_together

pytestmark = pytest.mark.django_db


def png(name="photo.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def received(actor, addresses, panel, staff):
    """The owner's dealer received LED-600."""
    deliver(actor, panel, staff=staff)
    return panel


@pytest.fixture
def buyer_actor(buyer):
    return actor_of(buyer)


# --- verified buyer -----------------------------------------------------------------------------------------------

def test_an_ordered_but_undelivered_product_cannot_be_reviewed(actor, addresses, panel, staff):
    from shipping.testing import confirmed_order, ship

    ship(confirmed_order(actor, panel, 2, staff=staff), staff=staff)
    assert not services.verified_purchase(actor.dealer, panel)
    assert services.why_not_review(actor, panel) == "Only buyers who have received this product can review it."
    with pytest.raises(ReviewNotAllowed):
        review_of(actor, panel)
    assert not Review.objects.exists()


def test_a_delivered_line_makes_a_verified_buyer_who_reviews_once(received, actor, other_owner):
    assert services.verified_purchase(actor.dealer, received) and services.may_review(actor, received)
    assert not services.verified_purchase(other_owner.dealer, received)  # another dealer bought nothing
    review = review_of(actor, received, stars=5, title="Great", body="Even light.")
    assert review.status == ReviewStatus.PENDING
    assert (review.city, review.tier, review.company_name) == (actor.dealer.city, actor.dealer.tier,
                                                             str(actor.dealer))
    assert services.why_not_review(actor, received).startswith("You have already reviewed")
    with pytest.raises(AlreadyReviewed):
        review_of(actor, received)
    assert Review.objects.count() == 1


def test_roles_staff_and_agents_may_not_review(received, finance, viewer, agent_actor, staff):
    for who in (actor_of(finance), actor_of(viewer), agent_actor):
        assert not services.may_review(who, received)
        with pytest.raises(ReviewNotAllowed):
            review_of(who, received)
    assert services.why_not_review(staff, received) == "Reviews are written by the dealers' own users, not by staff."


def test_bad_input_is_refused_and_nothing_is_saved(received, actor):
    for stars, title, body in ((0, "t", "b"), (6, "t", "b"), ("x", "t", "b"), (10**30, "t", "b"), (3, " ", "b"),
                               (3, "t", "\x00"), (3, "t", "b" * 5001)):
        with pytest.raises(ReviewInvalid):
            services.submit_review(actor=actor, product=received, stars=stars, title=title, body=body)
    assert not Review.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_parallel_double_submit_makes_one_review(actor, addresses, panel, staff):
    deliver(actor, panel, staff=staff)
    results = run_together([lambda: review_of(actor, panel)] * 2)
    assert sorted(type(r).__name__ for r in results) == ["AlreadyReviewed", "Review"]
    assert Review.objects.count() == 1


# --- photos -------------------------------------------------------------------------------------------------------

def test_photos_are_checked_by_content(received, actor):
    fake = SimpleUploadedFile("cat.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="image/jpeg")
    with pytest.raises(BadReviewPhoto) as refused:
        review_of(actor, received, photos=[fake])
    assert "is not a photo" in str(refused.value.message)
    with pytest.raises(BadReviewPhoto):
        review_of(actor, received, photos=[png() for _ in range(6)])
    assert not Review.objects.exists()
    review = review_of(actor, received, photos=[png("x.exe")])
    photo = review.photos.get()
    assert photo.content_type == "image/png" and photo.file.name.endswith(".png")


def test_a_photo_is_served_to_the_author_and_moderators_until_published(received, actor, client, other_owner, staff):
    review = review_of(actor, received, photos=[png()])
    url = reverse("feedback:review_photo", args=[review.photos.get().pk])
    client.force_login(other_owner)
    assert client.get(url).status_code == 404
    client.force_login(actor.user)
    assert client.get(url).status_code == 200
    services.approve(actor=staff, review=review)
    client.force_login(other_owner)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"


# --- edits ---------------------------------------------------------------------------------------------------------

def test_an_edit_sends_a_published_review_back_to_moderation(received, actor, staff):
    review = published_review(actor, received, staff=staff, stars=2)
    review = services.edit_review(actor=actor, review=review, stars=4, body="Better after a firmware update.")
    review.refresh_from_db()
    assert (review.status, review.stars, review.published_at) == (ReviewStatus.PENDING, 4, None)
    assert list(review.history.values_list("to_status", flat=True)) == ["published", "pending"]


def test_only_the_author_edits_and_another_dealers_review_is_a_404(received, actor, buyer, client, other_owner):
    review = review_of(actor, received)
    with pytest.raises(ReviewNotAllowed):
        services.edit_review(actor=actor_of(buyer), review=review, stars=1)
    client.force_login(other_owner)
    assert client.get(reverse("feedback:review_edit", args=[review.pk])).status_code == 404
    assert client.post(reverse("feedback:review_edit", args=[review.pk]),
                       {"stars": 1, "title": "x", "body": "y"}).status_code == 404
    assert Review.objects.get().stars == 4


# --- moderation ------------------------------------------------------------------------------------------------------

def test_approve_and_reject_tell_the_author_in_their_language(received, actor, staff):
    actor.user.language = "tr"
    actor.user.save(update_fields=["language"])
    review = review_of(actor, received)
    services.reject(actor=staff, review=review, reason="Contains a phone number")
    review.refresh_from_db()
    assert (review.status, review.rejection_reason) == (ReviewStatus.REJECTED, "Contains a phone number")
    mail = Notification.objects.get(template="feedback/review_rejected")
    assert mail.recipient == actor.user.email and mail.language == "tr"
    from portal.outbox import render_notification

    subject, text, _html = render_notification(mail)
    assert "Contains a phone number" in text
    services.approve(actor=staff, review=review)
    assert Review.objects.get().status == ReviewStatus.PUBLISHED
    assert Notification.objects.filter(template="feedback/review_approved", language="tr").count() == 1


def test_moderation_needs_the_right_and_a_reason(received, actor, plain_staff, staff):
    review = review_of(actor, received)
    for who in (plain_staff, actor):
        with pytest.raises(ModerationNotAllowed):
            services.approve(actor=who, review=review)
    with pytest.raises(ReviewInvalid):
        services.reject(actor=staff, review=review, reason="  ")
    assert Review.objects.get().status == ReviewStatus.PENDING


def test_the_queue_is_for_moderators_only_and_works(received, actor, client, staff, plain_staff):
    from django.test import Client

    staff_client = Client()
    staff_client.force_login(staff)
    first = review_of(actor, received, title="First review")
    client.force_login(plain_staff)
    assert client.get(reverse("feedback:moderation")).status_code == 404
    client.force_login(actor.user)
    assert client.get(reverse("feedback:moderation")).status_code == 404
    page = staff_client.get(reverse("feedback:moderation")).content.decode()
    assert "First review" in page
    staff_client.post(reverse("feedback:moderate", args=[first.pk, "reply"]), {"body": "Thank you!"})
    staff_client.post(reverse("feedback:moderate", args=[first.pk, "reject"]), {"reason": "Off topic"})
    first.refresh_from_db()
    assert (first.status, first.reply, first.rejection_reason) == ("rejected", "Thank you!", "Off topic")
    client.force_login(actor.user)
    mine = client.get(reverse("feedback:my_reviews")).content.decode()
    assert "Off topic" in mine and reverse("feedback:review_edit", args=[first.pk]) in mine


# --- helpful votes ---------------------------------------------------------------------------------------------------

def test_helpful_votes_once_and_not_on_ones_own(received, actor, staff, other_owner):
    review = review_of(actor, received)
    other = actor_of(other_owner)
    with pytest.raises(VoteNotAllowed):  # not published yet
        services.vote_helpful(actor=other, review=review)
    review = services.approve(actor=staff, review=review)
    with pytest.raises(VoteNotAllowed):
        services.vote_helpful(actor=actor, review=review)
    assert services.vote_helpful(actor=other, review=review) is True
    assert services.vote_helpful(actor=other, review=review) is False
    assert Review.objects.get().helpful_count == 1
    assert services.unvote(actor=other, review=review) is True
    assert Review.objects.get().helpful_count == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_helpful_votes_count_once_each(actor, addresses, panel, staff, other_owner):
    from dealers.testing import DealerUserFactory

    deliver(actor, panel, staff=staff)
    review = published_review(actor, panel, staff=staff)
    third = actor_of(DealerUserFactory(dealer=other_owner.dealer, role="buyer"))
    other = actor_of(other_owner)
    results = run_together([lambda: services.vote_helpful(actor=other, review=review)] * 2
                           + [lambda: services.vote_helpful(actor=third, review=review)])
    assert sorted(results) == [False, True, True]
    assert Review.objects.get().helpful_count == ReviewVote.objects.count() == 2


# --- the reward --------------------------------------------------------------------------------------------------------

@pytest.fixture
def reward(db):
    row = SurveySettings.objects.filter(pk=1).first() or SurveySettings(pk=1)
    row.reward_percent, row.reward_days = Decimal("2.00"), 30
    row.save()
    return row


def test_a_one_star_review_gets_the_reward_which_a_rejection_keeps(reward, received, actor, staff, other_dealer):
    review = review_of(actor, received, stars=1, title="Flickers", body="Two of three flicker.")
    assert review.rewarded is True
    campaign = review.reward_campaign
    assert (campaign.kind, campaign.value) == ("percent", Decimal("2.00"))
    assert list(campaign.dealers.all()) == [actor.dealer] and campaign.categories.exists()
    assert timedelta(days=29) < campaign.ends_at - timezone.now() <= timedelta(days=30)
    services.reject(actor=staff, review=review, reason="Not about the product")
    review.refresh_from_db()
    assert review.rewarded and review.reward_campaign_id == campaign.pk
    services.edit_review(actor=actor, review=review, stars=2)  # an edit earns nothing more
    from pricing.models import Campaign

    assert Campaign.objects.count() == 1


def test_the_reward_prices_the_dealers_next_order_and_ends_with_it(reward, received, actor, staff, other_owner):
    from orders.services import ordering
    from pricing.services import price_products

    review_of(actor, received)
    mine = price_products(actor=actor, products=[received])
    theirs = price_products(actor=actor_of(other_owner), products=[received])
    assert mine[received.pk].unit_price == Decimal("98.00") and theirs[received.pk].unit_price == Decimal("100.00")
    order = ordering.place_order(actor=actor, lines=[(received, 1)], checkout=ordering.Checkout())
    assert order.lines.get().unit_price == Decimal("98.00")
    assert price_products(actor=actor, products=[received])[received.pk].unit_price == Decimal("100.00")


def test_the_reward_is_looked_for_only_when_a_campaign_ran_for_the_dealer(reward, received, actor,
                                                                            django_assert_num_queries):
    # Issue 18: an order priced by the engine carries the campaigns running for its dealer; none, so no reward can
    # run and nothing is read. An order without them (fixed, quoted prices) looks as before and ends the reward.
    from orders.models import Order
    from pricing.models import Campaign

    campaign = review_of(actor, received).reward_campaign
    order = Order(dealer=actor.dealer)
    order.campaigns_open_to_dealer = frozenset()
    with django_assert_num_queries(0):
        assert services.end_reward_after_order(order=order, previous_total=Decimal("0.00")) == 0
    assert Campaign.objects.get(pk=campaign.pk).active
    order.campaigns_open_to_dealer = frozenset({campaign.pk})
    assert services.end_reward_after_order(order=order, previous_total=Decimal("10.00")) == 0  # not a new order
    assert services.end_reward_after_order(order=Order(dealer=actor.dealer), previous_total=Decimal("0.00")) == 1
    assert not Campaign.objects.get(pk=campaign.pk).active


def test_an_order_priced_with_the_reward_carries_it_and_ends_it(reward, received, actor):
    from orders.services import ordering

    campaign = review_of(actor, received).reward_campaign
    order = ordering.place_order(actor=actor, lines=[(received, 1)], checkout=ordering.Checkout())
    assert campaign.pk in order.campaigns_open_to_dealer
    campaign.refresh_from_db()
    assert not campaign.active


def test_no_reward_at_zero_percent(received, actor):
    assert review_of(actor, received).rewarded is False


# --- deleting a user -------------------------------------------------------------------------------------------------

def test_deleting_a_user_anonymises_its_reviews_and_keeps_them(received, buyer_actor, staff):
    """The buyer reviews what the company received (the owner placed the order, which keeps the owner's user)."""
    review = published_review(buyer_actor, received, staff=staff, show_company=True)
    assert services.author_label(review) == str(buyer_actor.dealer)
    buyer_actor.user.delete()
    review.refresh_from_db()
    assert (review.user_id, review.show_company, review.company_name) == (None, False, "")
    assert review.status == ReviewStatus.PUBLISHED and Review.objects.filter(product=received).count() == 1
    assert services.author_label(review).startswith("A dealer in ")


# --- API ---------------------------------------------------------------------------------------------------------

def test_api_create_list_patch_and_the_products_published_reviews(received, actor, staff, other_owner):
    from portal.testing import token_client_for

    api = token_client_for(actor.user, ["account"])
    created = api.post("/api/v1/me/reviews/", {"product": received.pk, "stars": 3, "title": "OK", "body": "Fine."},
                       format="json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    again = api.post("/api/v1/me/reviews/", {"product": received.pk, "stars": 3, "title": "OK", "body": "Fine."},
                     format="json")
    assert (again.status_code, again.json()["code"]) == (409, "feedback.already_reviewed")
    pk = created.json()["id"]
    assert api.patch(f"/api/v1/me/reviews/{pk}/", {"stars": 5}, format="json").json()["stars"] == 5
    services.approve(actor=staff, review=Review.objects.get(pk=pk))
    other_api = token_client_for(other_owner, ["account"])
    assert other_api.patch(f"/api/v1/me/reviews/{pk}/", {"stars": 1}, format="json").status_code == 404
    listing = other_api.get(f"/api/v1/products/{received.pk}/reviews/?stars=5").json()
    assert listing["count"] == 1 and listing["results"][0]["author"].startswith("A dealer in ")
    assert str(actor.dealer) not in str(listing)
    assert other_api.get(f"/api/v1/products/{received.pk}/reviews/?stars=2").json()["count"] == 0
