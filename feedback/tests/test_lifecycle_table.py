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
