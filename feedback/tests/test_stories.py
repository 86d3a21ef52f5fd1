"""Success stories (issue 17 §4): the owner writes its story, staff edit the text to publish, the dealer consents in
writing to exactly that text, staff publish only with that consent, either side withdraws; the public home page
shows published stories in the reader's language; another dealer's story does not exist for it."""
import pytest
from django.urls import reverse

from feedback.errors import StoryChanged, StoryNoConsent, StoryNotAllowed
from feedback.models import Story, StoryStatus
from feedback.services import stories
from portal.models import Notification
from portal.testing import actor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(dealer):
    return Story.objects.create(dealer=dealer, language="en")


def _written(story, owner, title="Brighter shops", body="Our shops switched to the LED panels."):
    return stories.write_story(actor=actor_of(owner), story=story, title=title, body=body)


def _consent(story, owner):
    story.refresh_from_db()
    return stories.consent_to_story(actor=actor_of(owner), story=story, text=stories.consented_text(story))


def test_the_owner_writes_the_story_in_its_language_and_staff_are_told(story, owner):
    owner.language = "tr"
    owner.save(update_fields=["language"])

    story = _written(story, owner)

    assert story.status == StoryStatus.SUBMITTED and story.language == "tr" and story.user == owner
    assert (story.edited_title, story.edited_body) == ("Brighter shops", "Our shops switched to the LED panels.")
    assert Notification.objects.filter(template="feedback/story_submitted").exists()


def test_only_the_owner_of_the_stories_dealer_writes_it(story, buyer, other_owner):
    for user in (buyer, other_owner):
        with pytest.raises(StoryNotAllowed):
            _written(story, user)
    story.refresh_from_db()
    assert story.status == StoryStatus.INVITED and story.body == ""


def test_a_story_too_long_or_with_nul_is_refused_and_nothing_changes(story, owner):
    from feedback.errors import StoryInvalid

    for title, body in (("Title", "x" * 4001), ("Title", "a\x00b"), ("", "Text")):
        with pytest.raises(StoryInvalid):
            _written(story, owner, title=title, body=body)
    story.refresh_from_db()
    assert story.status == StoryStatus.INVITED


def test_publishing_needs_the_dealers_consent_to_the_current_text(story, owner, staff):
    story = _written(story, owner)
    stories.edit_story(actor=staff, story=story, title="Brighter shops in İzmir",
                       body="Our three shops switched to the LED panels.")
    assert Notification.objects.filter(template="feedback/story_consent_asked", recipient=owner.email).exists()

    with pytest.raises(StoryNoConsent):
        stories.publish_story(actor=staff, story=story)

    story = _consent(story, owner)
    assert story.consent_by == owner and story.consent_at is not None
    assert story.consent_text == "Brighter shops in İzmir\n\nOur three shops switched to the LED panels."

    # An edit after the consent voids it: no publishing until the dealer agrees to the new text.
    stories.edit_story(actor=staff, story=story, title="Brighter shops in İzmir", body="Edited once more.")
    story.refresh_from_db()
    assert story.consent_at is None and not stories.consent_is_current(story)
    with pytest.raises(StoryNoConsent):
        stories.publish_story(actor=staff, story=story)

    story = _consent(story, owner)
    story = stories.publish_story(actor=staff, story=story)
    assert story.status == StoryStatus.PUBLISHED and story.published_by == staff


def test_a_consent_to_a_text_changed_meanwhile_is_refused(story, owner, staff):
    story = _written(story, owner)
    shown = stories.consented_text(story)
    stories.edit_story(actor=staff, story=story, title="New title", body="New text.")

    with pytest.raises(StoryChanged):
        stories.consent_to_story(actor=actor_of(owner), story=story, text=shown)
    story.refresh_from_db()
    assert story.consent_at is None


def test_the_owner_or_staff_withdraw_a_story(story, owner, staff, dealer):
    story = _written(story, owner)
    story = stories.withdraw_story(actor=actor_of(owner), story=story)
    assert story.status == StoryStatus.WITHDRAWN

    second = Story.objects.create(dealer=dealer, language="en")
    second = _written(second, owner)
    _consent(second, owner)
    second = stories.publish_story(actor=staff, story=second)
    second = stories.withdraw_story(actor=staff, story=second, note="Dealer asked by phone")
    assert second.status == StoryStatus.WITHDRAWN


# --- the dealer's page -----------------------------------------------------------------------------------------------

def test_the_owner_writes_and_agrees_on_its_page(story, owner, client, staff):
    client.force_login(owner)
    url = reverse("feedback:story", args=[story.pk])
    assert client.get(url).status_code == 200

    page = client.post(url, {"action": "write", "title": "Brighter shops", "body": "x" * 4001})
    assert page.status_code == 400
    page = client.post(url, {"action": "write", "title": "Brighter shops", "body": "Our panels shine."})
    assert page.status_code == 302
    story.refresh_from_db()
    stories.edit_story(actor=staff, story=story, title="Brighter shops", body="Our panels shine every day.")

    page = client.get(url)
    html = page.content.decode()
    assert "Our panels shine every day." in html
    assert "I agree that this text is published with our company&#x27;s name on the public home page." in html

    story.refresh_from_db()
    page = client.post(url, {"action": "consent", "agree": "on", "text": stories.consented_text(story)})
    assert page.status_code == 302
    story.refresh_from_db()
    assert stories.consent_is_current(story) and story.consent_by == owner


def test_another_dealers_story_and_other_roles_find_nothing(story, other_owner, buyer, staff, client):
    url = reverse("feedback:story", args=[story.pk])
    for user in (other_owner, buyer, staff):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "withdraw"}).status_code == 404
    story.refresh_from_db()
    assert story.status == StoryStatus.INVITED


# --- the public home page --------------------------------------------------------------------------------------------

def _published(dealer, owner, staff, *, language, title):
    story = Story.objects.create(dealer=dealer, language=language)
    story = _written(story, owner, title=title, body=f"{title}: our story.")
    Story.objects.filter(pk=story.pk).update(language=language)
    story.refresh_from_db()
    _consent(story, owner)
    return stories.publish_story(actor=staff, story=story)


def test_the_home_page_shows_published_stories_in_the_readers_language_only(client, dealer, owner, staff):
    dealer.city = "İzmir"
    dealer.save(update_fields=["city"])
    _published(dealer, owner, staff, language="en", title="Brighter shops")
    _published(dealer, owner, staff, language="tr", title="Daha aydınlık mağazalar")

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Brighter shops" in html and "Daha aydınlık" not in html and "İzmir" in html and str(dealer) in html

    client.cookies["django_language"] = "tr"
    html = client.get("/").content.decode()
    assert "Daha aydınlık mağazalar" in html and "Brighter shops" not in html

    client.cookies["django_language"] = "bg"
    html = client.get("/").content.decode()
    assert 'id="stories"' not in html  # none in Bulgarian: the section is hidden


def test_a_story_leaves_the_home_page_when_edited_after_consent_or_withdrawn(client, dealer, owner, staff):
    story = _published(dealer, owner, staff, language="en", title="Brighter shops")
    assert "Brighter shops" in client.get("/").content.decode()

    stories.edit_story(actor=staff, story=story, title="Brighter shops", body="A text the dealer did not see.")
    assert "Brighter shops" not in client.get("/").content.decode()

    _consent(story, owner)
    assert "A text the dealer did not see." in client.get("/").content.decode()

    stories.withdraw_story(actor=actor_of(owner), story=story)
    assert "Brighter shops" not in client.get("/").content.decode()


def test_the_admin_publishes_only_with_consent(story, owner, staff_client):
    story = _written(story, owner)
    changelist = reverse("admin:feedback_story_changelist")

    staff_client.post(changelist, {"action": "publish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.status == StoryStatus.SUBMITTED

    _consent(story, owner)
    staff_client.post(changelist, {"action": "publish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED

    # Editing the published text in the admin voids the consent.
    page = staff_client.post(reverse("admin:feedback_story_change", args=[story.pk]),
                             {"edited_title": "Brighter shops", "edited_body": "Shortened by us."})
    assert page.status_code == 302
    story.refresh_from_db()
    assert story.edited_body == "Shortened by us." and not stories.consent_is_current(story)
