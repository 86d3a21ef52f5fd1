"""Every (from, to) pair of feedback's lifecycles (feedback.models LOOP, STORY, REVIEW): an allowed pair moves and
writes its history row; every other pair is refused with the one code (409) and changes nothing. Each part's owner
writes its functions."""
import pytest

from feedback.models import LOOP as _LOOP
from feedback.models import STORY as _STORY

# --- LOOP and STORY (F2) ---------------------------------------------------------------------------------------------

def _loop_row():
    from feedback.models import DetractorLoop
    from feedback.testing import NpsResponseFactory

    return DetractorLoop.objects.create(response=NpsResponseFactory(score=3))


def _story_row():
    from dealers.testing import DealerFactory
    from feedback.models import Story

    return Story.objects.create(dealer=DealerFactory())


def _check_pair(life, obj, current, to, actor):
    from django.db import transaction

    from feedback.errors import FeedbackMoveNotAllowed

    model = type(obj)
    model.objects.filter(pk=obj.pk).update(status=current)  # a starting point: tests may write a status directly
    obj.refresh_from_db()
    rows = obj.history.count()
    if life.allowed(current, to):
        with transaction.atomic():
            locked = model.objects.select_for_update().get(pk=obj.pk)
            life.move(locked, to=to, actor=actor)
        assert model.objects.get(pk=obj.pk).status == to
        last = obj.history.order_by("-created_at", "-pk").first()
        assert obj.history.count() == rows + 1 and (last.from_status, last.to_status) == (current, to)
        assert last.by == actor
    else:
        with pytest.raises(FeedbackMoveNotAllowed) as refused:
            with transaction.atomic():
                locked = model.objects.select_for_update().get(pk=obj.pk)
                life.move(locked, to=to, actor=actor)
        assert refused.value.code == "feedback.move_not_allowed" and refused.value.conflict
        assert model.objects.get(pk=obj.pk).status == current and obj.history.count() == rows


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "to"), _LOOP.pairs(),
                         ids=lambda s: str(s))
def test_every_pair_of_the_detractor_loop_lifecycle(current, to, staff):
    _check_pair(_LOOP, _loop_row(), current, to, staff)


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "to"), _STORY.pairs(),
                         ids=lambda s: str(s))
def test_every_pair_of_the_story_lifecycle(current, to, staff):
    _check_pair(_STORY, _story_row(), current, to, staff)


def test_the_loop_and_story_tables_are_the_issues():
    from feedback.models import LOOP, STORY, LoopStatus, StoryStatus

    assert LOOP.targets(LoopStatus.OPEN) == [LoopStatus.CONTACTED, LoopStatus.RESOLVED]
    assert LOOP.targets(LoopStatus.CONTACTED) == [LoopStatus.OPEN, LoopStatus.RESOLVED]
    assert LOOP.targets(LoopStatus.RESOLVED) == [LoopStatus.OPEN]
    assert STORY.targets(StoryStatus.INVITED) == [StoryStatus.SUBMITTED, StoryStatus.WITHDRAWN]
    assert STORY.targets(StoryStatus.SUBMITTED) == [StoryStatus.PUBLISHED, StoryStatus.WITHDRAWN]
    assert STORY.targets(StoryStatus.PUBLISHED) == [StoryStatus.WITHDRAWN]
    assert STORY.targets(StoryStatus.WITHDRAWN) == []


# --- REVIEW (F6) -------------------------------------------------------------------------------------------------------

from feedback.models import REVIEW as _REVIEW  # noqa: E402


def _review_row():
    from feedback.testing import ReviewFactory

    return ReviewFactory()


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "to"), _REVIEW.pairs() + [(s, s) for s in _REVIEW.statuses],
                         ids=lambda s: str(s))
def test_every_pair_of_the_review_lifecycle(current, to, staff):
    """Every distinct pair is allowed by the table; a "move" to the same status is refused and changes nothing."""
    _check_pair(_REVIEW, _review_row(), current, to, staff)


def test_the_review_table_is_the_issues():
    """Moderation publishes or rejects a waiting review (either way round later); an edit sends a published or
    rejected review back to moderation; nothing stays where it is (an edit of a waiting review is no move)."""
    from feedback.models import REVIEW, ReviewStatus

    assert REVIEW.targets(ReviewStatus.PENDING) == [ReviewStatus.PUBLISHED, ReviewStatus.REJECTED]
    assert REVIEW.targets(ReviewStatus.PUBLISHED) == [ReviewStatus.PENDING, ReviewStatus.REJECTED]
    assert REVIEW.targets(ReviewStatus.REJECTED) == [ReviewStatus.PENDING, ReviewStatus.PUBLISHED]
    assert not any(REVIEW.allowed(s, s) for s in ReviewStatus.values)  # refused: the pairs above include them
