"""NPS (issue 17 §1): the one scoring rule, invitations after a delivery, answering through the signed link.

The scoring rule (`kind_of`, `score`) is pure and is the ONLY place where a 0–10 answer becomes a promoter, a passive
or a detractor and where a set of answers becomes a score; every page, CSV and API uses it.

- Scale 0–10, 0 included (not 1–10): 0–6 detractor, 7–8 passive, 9–10 promoter — decided by the value, never by an
  index into a list of buckets.
- NPS = %promoters − %detractors with passives in the denominator (n = every answer), −100 … 100.
- Rounded to a whole number, halves away from zero (12.5 → 13, −12.5 → −13): the rounding a reader expects, and
  symmetric, so swapping promoters and detractors only flips the sign. Computed in exact fractions (no float drift).
- n == 0 → `nps` is None (no score, not 0); n < 30 → `thin` (shown flagged next to the score).
- Which answers count: every answer given in the period (one per invitation). A dealer user answers at most once
  per invitation and invitations go out at most once per window, so there are no duplicates to pick from; the
  "rolling, oldest answer per user" rule some libraries use is never applied.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from feedback.models import NpsKind

SCALE = range(0, 11)
THIN_BELOW = 30


def kind_of(score: int) -> NpsKind:
    """The kind of one 0–10 answer. Anything but an int in 0..10 (bools, floats, strings, 11, −1) is a ValueError."""
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValueError(f"an NPS score is an integer 0–10, not {score!r}")
    if score < 0 or score > 10:
        raise ValueError(f"an NPS score is 0–10, not {score}")
    if score >= 9:
        return NpsKind.PROMOTER
    if score >= 7:
        return NpsKind.PASSIVE
    return NpsKind.DETRACTOR


@dataclass(frozen=True)
class NpsResult:
    nps: int | None
    n: int
    promoters: int
    passives: int
    detractors: int
    thin: bool

    @property
    def promoter_share(self) -> int | None:
        return _percent(self.promoters, self.n)

    @property
    def passive_share(self) -> int | None:
        return _percent(self.passives, self.n)

    @property
    def detractor_share(self) -> int | None:
        return _percent(self.detractors, self.n)


def _round_half_away(value: Fraction) -> int:
    """Whole number, halves away from zero (exact: `value` is a Fraction)."""
    whole = int(abs(value) + Fraction(1, 2))  # floor of |value| + ½
    return -whole if value < 0 else whole


def _percent(part: int, n: int) -> int | None:
    return None if not n else _round_half_away(Fraction(100 * part, n))


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a count is a whole number ≥ 0, not {value!r}")
    return value


def score(scores_or_counts: Iterable[int] | Mapping) -> NpsResult:
    """The NPS of a set of answers: an iterable of 0–10 scores, or a mapping of counts keyed by score (0–10) or by
    kind (NpsKind / "promoter", "passive", "detractor"), e.g. the rows of a `values("kind").annotate(n=Count(...))`.
    """
    counts = {NpsKind.PROMOTER: 0, NpsKind.PASSIVE: 0, NpsKind.DETRACTOR: 0}
    if isinstance(scores_or_counts, Mapping):
        for key, value in scores_or_counts.items():
            if isinstance(key, str):
                try:
                    kind = NpsKind(key)
                except ValueError:
                    raise ValueError(f"not an NPS kind: {key!r}") from None
            else:
                kind = kind_of(key)
            counts[kind] += _count(value)
    else:
        if isinstance(scores_or_counts, (str, bytes)):
            raise ValueError("scores are integers 0–10, not a string")
        for one in scores_or_counts:
            counts[kind_of(one)] += 1
    promoters, passives, detractors = counts[NpsKind.PROMOTER], counts[NpsKind.PASSIVE], counts[NpsKind.DETRACTOR]
    n = promoters + passives + detractors
    nps = None if not n else _round_half_away(Fraction(100 * (promoters - detractors), n))
    return NpsResult(nps=nps, n=n, promoters=promoters, passives=passives, detractors=detractors,
                     thin=n < THIN_BELOW)
