"""Success stories (issue 17 §4): a promoter is invited (`loop.after_answer` makes the Story, invited), the dealer's
owner writes a title and a short text in its language (→ submitted), staff edit the published title and text, the
dealer consents in writing to exactly that text (who, when, the text), and only then staff publish it on the public
home page (in the story's language, with the dealer's name and city).

- **Consent is to a text.** `consent_text` holds the published title and text as the dealer saw them
  (`consented_text`); staff may publish only while it equals the current published text. An edit after the consent
  voids it (the consent fields are cleared, the dealer is asked again); a published story whose text changed
  leaves the home page until the dealer consents again (`public_stories` shows only current consents).
- **Withdraw.** The dealer's owner or staff withdraw a story at any time (it leaves the home page for good).

Statuses move only through `STORY.move`.
"""
from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import outbox

from .. import permissions
from ..errors import StoryChanged, StoryClosed, StoryInvalid, StoryNoConsent, StoryNotAllowed
from ..models import STORY, Story, StoryStatus

__all__ = ["check_text", "consent_is_current", "consent_to_story", "consented_text", "edit_story", "publish_story",
           "withdraw_story", "write_story"]

S = StoryStatus
MAX_TITLE = 150
MAX_BODY = 4000


def consented_text(story, *, title=None, body=None) -> str:
    """The text a consent is given to: the published title and text (or the ones given), as one string."""
    title = story.edited_title if title is None else title
    body = story.edited_body if body is None else body
    return f"{title.strip()}\n\n{body.strip()}"


def consent_is_current(story) -> bool:
    """The dealer consented to the story's current published title and text."""
    return bool(story.consent_at and story.edited_body.strip()
                and story.consent_text == consented_text(story))


def check_text(title, body) -> tuple[str, str]:
    """The title and text stripped, or StoryInvalid (empty, too long, NUL)."""
    title, body = str(title or "").strip(), str(body or "").strip()
    if "\x00" in title or "\x00" in body:
        raise StoryInvalid(_("The text holds characters that cannot be stored."), field="body")
    if not title:
        raise StoryInvalid(_("Give the story a title."), field="title")
    if len(title) > MAX_TITLE:
        raise StoryInvalid(_("Say it in at most %(n)s characters.") % {"n": MAX_TITLE}, field="title")
    if not body:
        raise StoryInvalid(_("Write the story first."), field="body")
    if len(body) > MAX_BODY:
        raise StoryInvalid(_("Write at most %(n)s characters.") % {"n": MAX_BODY}, field="body")
    return title, body


def _lock(story) -> Story:
    return Story.objects.select_for_update(of=("self",)).select_related("dealer").get(pk=getattr(story, "pk", story))


def _story_url(story) -> str:
    try:
        return settings.SITE_URL + reverse("feedback:story", args=[story.pk])
    except NoReverseMatch:
        return settings.SITE_URL


def _admin_url(story) -> str:
    try:
        return settings.SITE_URL + reverse("admin:feedback_story_change", args=[story.pk])
    except NoReverseMatch:
        return settings.SITE_URL


def _void_consent(story) -> list[str]:
    story.consent_by, story.consent_at, story.consent_text = None, None, ""
    return ["consent_by", "consent_at", "consent_text"]


def write_story(*, actor, story, title, body) -> Story:
    """The dealer's owner writes (or rewrites, until it is published) its story: invited → submitted. The text is
    in the writer's language; staff's published text starts as the dealer's own (staff edit it), and staff are
    told."""
    if not permissions.may_write_story(actor, story):
        raise StoryNotAllowed(_("You cannot write this story."))
    title, body = check_text(title, body)
    with transaction.atomic():
        story = _lock(story)
        if story.status not in (S.INVITED, S.SUBMITTED):
            raise StoryClosed(_("This story cannot be changed any more."))
        user = actor.user
        story.title, story.body, story.user = title, body, user
        story.language = getattr(user, "language", None) or story.language
        story.submitted_at = timezone.now()
        fields = ["title", "body", "user", "language", "submitted_at"]
        if not story.edited_body or not consent_is_current(story):
            # Staff have not edited it yet (or there is no consent to keep): the published text follows the dealer's.
            story.edited_title, story.edited_body = title, body
            fields += ["edited_title", "edited_body", *_void_consent(story)]
        if story.status == S.INVITED:
            STORY.move(story, to=S.SUBMITTED, actor=actor, fields=fields)
        else:
            story.save(update_fields=fields)
        outbox.notify_staff(template="feedback/story_submitted",
                            context={"dealer_name": str(story.dealer), "title": title, "url": _admin_url(story)})
    return story


def edit_story(*, actor, story, title, body) -> Story:
    """Staff set the published title and text of a submitted or published story. A change voids the dealer's
    consent (it must agree to the new text) and mails the story's writer (or the dealer's owners) to ask again."""
    if not permissions.may_edit_stories(actor):
        raise StoryNotAllowed(_("You cannot edit stories."))
    title, body = check_text(title, body)
    with transaction.atomic():
        story = _lock(story)
        if story.status not in (S.SUBMITTED, S.PUBLISHED):
            raise StoryClosed(_("Only a submitted or published story can be edited."))
        if (title, body) == (story.edited_title, story.edited_body):
            return story
        story.edited_title, story.edited_body = title, body
        fields = ["edited_title", "edited_body"]
        if story.consent_text != consented_text(story):
            fields += _void_consent(story)
        story.save(update_fields=fields)
        for user in _owners(story):
            outbox.notify(to=user, template="feedback/story_consent_asked",
                          context={"first_name": user.first_name, "title": title, "url": _story_url(story)})
    return story


def _owners(story) -> list:
    if story.user_id and story.user.is_active and story.user.dealer_id == story.dealer_id:
        return [story.user]
    return list(story.dealer.users.filter(is_active=True, role="owner").order_by("pk"))


def consent_to_story(*, actor, story, text) -> Story:
    """The dealer's owner agrees that the published title and text it was shown (`text`, the page's copy of
    `consented_text`) appear with its company's name on the public home page. Refused when staff changed the text
    since the page was shown (the dealer must read the new one)."""
    if not permissions.may_write_story(actor, story):
        raise StoryNotAllowed(_("You cannot consent for this company."))
    with transaction.atomic():
        story = _lock(story)
        if story.status not in (S.SUBMITTED, S.PUBLISHED) or not story.edited_body.strip():
            raise StoryClosed(_("There is no text to agree to."))
        current = consented_text(story)
        if str(text or "").replace("\r\n", "\n") != current:
            raise StoryChanged(_("The text was changed meanwhile: read it again before you agree."))
        story.consent_by, story.consent_at, story.consent_text = actor.user, timezone.now(), current
        story.save(update_fields=["consent_by", "consent_at", "consent_text"])
        outbox.notify_staff(template="feedback/story_consented",
                            context={"dealer_name": str(story.dealer), "title": story.edited_title,
                                     "url": _admin_url(story)})
    return story


def publish_story(*, actor, story) -> Story:
    """Staff publish a submitted story on the home page: only with the dealer's consent to its current published
    text (409 feedback.story_no_consent otherwise)."""
    if not permissions.may_edit_stories(actor):
        raise StoryNotAllowed(_("You cannot publish stories."))
    with transaction.atomic():
        story = _lock(story)
        if story.status == S.SUBMITTED and not consent_is_current(story):
            raise StoryNoConsent(_("The dealer has not agreed to this text: it cannot be published."))
        story.published_at, story.published_by = timezone.now(), getattr(actor, "user", actor)
        STORY.move(story, to=S.PUBLISHED, actor=actor, fields=["published_at", "published_by"])
    return story


def withdraw_story(*, actor, story, note="") -> Story:
    """The dealer's owner or staff withdraw a story (invited, submitted or published): it is never shown again."""
    if not (permissions.may_write_story(actor, story) or permissions.may_edit_stories(actor)):
        raise StoryNotAllowed(_("You cannot withdraw this story."))
    note = str(note or "").replace("\x00", "").strip()[:1000]
    with transaction.atomic():
        story = _lock(story)
        STORY.move(story, to=S.WITHDRAWN, actor=actor, note=note)
    return story
