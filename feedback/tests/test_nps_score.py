"""The one NPS scoring rule (issue 17 §1): a table including the classic binning mistakes."""
import pytest

from feedback.models import NpsKind
from feedback.services.nps import NpsResult, kind_of, score

P, A, D = NpsKind.PROMOTER, NpsKind.PASSIVE, NpsKind.DETRACTOR


@pytest.mark.parametrize("value,kind", [
    (0, D),   # 0 is on the scale (PostHog once started at 1)
    (1, D), (5, D),
    (6, D),   # 6 | 7 boundary
    (7, A),
    (8, A),   # 8 | 9 boundary
    (9, P),   # a real 9 is a promoter (a mozilla project binned it as passive by array index)
    (10, P),
])
def test_kind_of_each_value(value, kind):
    assert kind_of(value) == kind


def test_every_value_of_the_scale_has_exactly_its_bucket():
    assert [kind_of(v) for v in range(11)] == [D] * 7 + [A] * 2 + [P] * 2


@pytest.mark.parametrize("bad", [-1, 11, 100, True, False, 9.0, "9", None, 10**30])
def test_kind_of_refuses_anything_but_an_int_in_range(bad):
    with pytest.raises(ValueError):
        kind_of(bad)


@pytest.mark.parametrize("scores,expected", [
    ([], (None, 0, 0, 0, 0)),                    # no answers: no score (not 0)
    ([10], (100, 1, 1, 0, 0)),
    ([0], (-100, 1, 0, 0, 1)),
    ([9, 9, 9], (100, 3, 3, 0, 0)),              # 9 binned as passive would give 0
    ([1, 10], (0, 2, 1, 0, 1)),                  # a 1..10 scale shift would make the 1 count differently
    ([7, 8], (0, 2, 0, 2, 0)),
    ([6, 7], (-50, 2, 0, 1, 1)),                 # 6 is a detractor, 7 a passive
    ([10, 10, 7, 0], (25, 4, 2, 1, 1)),          # passives in the denominator: (2-1)/4, not (2-1)/3 = 33
    ([9, 8, 8, 8, 8, 8, 8, 8, 8, 8], (10, 10, 1, 9, 0)),  # passives only dilute
    ([9, 9, 9, 0, 7, 7, 7, 7], (25, 8, 3, 4, 1)),
    ([10, 0, 7], (0, 3, 1, 1, 1)),
    ([10, 7, 7], (33, 3, 1, 2, 0)),              # 33.33… → 33
    ([10, 10, 7], (67, 3, 2, 1, 0)),             # 66.67… → 67
    ([0, 0, 7], (-67, 3, 0, 1, 2)),
    ([10] + [7] * 7, (13, 8, 1, 7, 0)),          # 12.5 → 13 (halves away from zero)
    ([0] + [7] * 7, (-13, 8, 0, 7, 1)),          # −12.5 → −13 (symmetric, not banker's rounding or floor)
    ([10, 10, 10, 7, 7, 7, 7, 0], (25, 8, 3, 4, 1)),
])
def test_score_table(scores, expected):
    result = score(scores)
    assert (result.nps, result.n, result.promoters, result.passives, result.detractors) == expected


def test_every_answer_counts_not_the_oldest_per_user():
    # A dealer user answering 2 in January and 10 in June: both answers of the period count (the "rolling" rule
    # that keeps each user's oldest answer would report −100).
    assert score([2, 10]).nps == 0
    assert score([2, 10]).n == 2


def test_counts_by_kind_or_by_score_give_the_same_result_as_the_scores():
    scores = [0, 3, 6, 7, 8, 9, 10, 10]
    by_score = {v: scores.count(v) for v in set(scores)}
    by_kind = {"promoter": 3, "passive": 2, "detractor": 3}
    assert score(scores) == score(by_score) == score(by_kind) == score({P: 3, A: 2, D: 3})
    assert score(scores).nps == 0


def test_thin_below_thirty_answers_and_result_is_frozen():
    assert score([10] * 29).thin is True
    assert score([10] * 30).thin is False
    assert score([]).thin is True
    result = score([10, 0])
    assert isinstance(result, NpsResult)
    with pytest.raises(AttributeError):
        result.nps = 5  # type: ignore[misc]


def test_shares_are_shown_with_n():
    result = score([10, 10, 7, 0])
    assert (result.promoter_share, result.passive_share, result.detractor_share) == (50, 25, 25)
    assert score([]).promoter_share is None


@pytest.mark.parametrize("bad", [[11], [-1], [True], [9.5], "910", {"promoter": -1}, {"fan": 3}, {11: 1},
                                 {"promoter": 1.5}])
def test_score_refuses_bad_input(bad):
    with pytest.raises(ValueError):
        score(bad)
