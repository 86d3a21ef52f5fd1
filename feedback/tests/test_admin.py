"""The admin's moderation queue of product reviews (feedback.admin.ReviewAdmin): the list, Approve and Reject (with
the reason asked on an intermediate page) through the services, the author told by mail, refusals shown as messages
(never a 500), the seller's reply, nothing else editable."""
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from feedback.models import Review, ReviewStatus
from feedback.testing import ReviewFactory, deliver, review_of
from portal.models import Notification

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:feedback_review_changelist"


@pytest.fixture
def review(actor, addresses, panel, staff):
    """A waiting review of the owner, whose dealer received the panel."""
    deliver(actor, panel, staff=staff)
    return review_of(actor, panel, stars=2, title="Flickers after an hour", body="Two of ten flicker.")


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _act(client, action, reviews, **extra):
    return client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [r.pk for r in reviews], **extra},
                       follow=True)


def test_the_list_shows_the_queue_with_city_tier_reward_and_votes(review, staff_client):
    ReviewFactory(title="Someone else's", status=ReviewStatus.PUBLISHED, helpful_count=7, rewarded=True)
    page = staff_client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Flickers after an hour" in html and "Someone else&#x27;s" in html
    assert review.city in html and ">7<" in html  # the helpful votes column
    waiting = staff_client.get(reverse(CHANGELIST), {"status__exact": "pending"}).content.decode()
    assert "Flickers after an hour" in waiting and "Someone else" not in waiting
    found = staff_client.get(reverse(CHANGELIST), {"q": review.product.sku}).content.decode()
    assert "Flickers after an hour" in found and "Someone else" not in found
    assert staff_client.get(reverse("admin:feedback_review_change", args=[review.pk])).status_code == 200


def test_approve_publishes_and_mails_the_author(review, staff_client, actor):
    page = _act(staff_client, "approve_reviews", [review])
    assert page.status_code == 200
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED and review.published_at is not None
    assert review.history.get().by.is_superuser
    assert Notification.objects.filter(template="feedback/review_approved", recipient=actor.user.email).count() == 1
    assert "1 review published; its author was told." in _messages(page)


def test_approving_a_published_review_again_is_an_error_message_not_a_500(review, staff_client, staff):
    from feedback.services import approve

    approve(actor=staff, review=review)
    page = _act(staff_client, "approve_reviews", [review])
    assert page.status_code == 200
    assert any("cannot go from" in text for text in _messages(page))
    assert Notification.objects.filter(template="feedback/review_approved").count() == 1


def test_reject_asks_for_the_reason_then_rejects_and_tells_the_author(review, staff_client, actor):
    from portal.outbox import render_notification

    asked = _act(staff_client, "reject_reviews", [review])
    assert asked.status_code == 200 and b"Reason for the rejection" in asked.content
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.PENDING  # nothing changed yet
    empty = _act(staff_client, "reject_reviews", [review], apply="1", reason="   ")
    assert b"This field is required" in empty.content
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.PENDING
    done = _act(staff_client, "reject_reviews", [review], apply="1", reason="Contains a phone number")
    review.refresh_from_db()
    assert (review.status, review.rejection_reason) == (ReviewStatus.REJECTED, "Contains a phone number")
    assert "1 review rejected; its author was told the reason." in _messages(done)
    mail = Notification.objects.get(template="feedback/review_rejected")
    assert mail.recipient == actor.user.email and "Contains a phone number" in render_notification(mail)[1]


def test_staff_without_the_right_to_change_reviews_get_no_actions(review, client, plain_staff):
    client.force_login(plain_staff)
    page = client.post(reverse(CHANGELIST), {"action": "approve_reviews", "_selected_action": [review.pk]})
    assert page.status_code in (302, 403)
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.PENDING


def test_the_change_page_saves_only_the_reply(review, staff_client):
    url = reverse("admin:feedback_review_change", args=[review.pk])
    page = staff_client.post(url, {"reply": "Thank you: a new driver is on its way.", "stars": 5, "title": "Hacked"})
    assert page.status_code == 302
    review.refresh_from_db()
    assert review.reply == "Thank you: a new driver is on its way." and review.replied_by is not None
    assert (review.stars, review.title, review.status) == (2, "Flickers after an hour", ReviewStatus.PENDING)
    cleared = staff_client.post(url, {"reply": ""})
    assert cleared.status_code == 200 and b"cannot be taken back" in cleared.content
    assert Review.objects.get(pk=review.pk).reply == "Thank you: a new driver is on its way."
