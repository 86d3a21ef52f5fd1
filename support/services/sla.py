"""SLA clocks on a business calendar (issue 15): the pure maths, no database.

A `Calendar` is a value: the working hours of each weekday (several intervals a day allowed: 09:00–12:30 and
13:30–18:00), the holidays (closed all day, or a half-day eve working until `closes_at`) and the time zone
(Europe/Istanbul). `support.services.clocks` builds it from the WorkingHours and Holiday rows and applies it to a ticket.

Aware datetimes in, aware datetimes out (in the calendar's zone). The arithmetic is done in UTC, so a zone with
daylight saving would be right too.

The rules of a ticket's clocks (`due_times`):
- Both clocks start when the ticket is opened: first response due = opened + first-response target, resolution due =
  opened + resolution target, in business time (a ticket opened on a Friday at 17:55 with 8 business hours of target
  has 5 minutes on Friday and is due Monday 16:55; one opened on a holiday or at night starts at the next opening).
- Time paused (waiting on the dealer) is credited to both clocks: the business seconds of every pause are added to
  both targets.
- A priority change (or a change of the dealer's tier) mid-way recomputes both due times from the ticket's opening
  with the new targets: the business time already elapsed counts against the new target. Raising a ticket opened
  two business hours ago to a 4-hour target leaves it two business hours; lowering it gives it the longer target
  from its opening. A new target already used up makes the ticket due (breached) at once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = dt.UTC
ISTANBUL = ZoneInfo("Europe/Istanbul")
# How far the calendar is searched for working time before it is declared empty (ten years of days).
MAX_DAYS = 3660


class EmptyCalendar(ValueError):
    """The calendar has no working time ahead: no due time can be computed."""


@dataclass(frozen=True)
class Calendar:
    """Working hours per weekday (0 = Monday: a tuple of (opens, closes) local times), holidays (date → None when
    closed all day, or the local time a half-day eve closes at) and the zone."""

    hours: dict[int, tuple[tuple[dt.time, dt.time], ...]] = field(default_factory=dict)
    holidays: dict[dt.date, dt.time | None] = field(default_factory=dict)
    tz: dt.tzinfo = ISTANBUL

    @classmethod
    def of(cls, *, hours=(), holidays=(), tz=ISTANBUL) -> Calendar:
        """From rows or tuples: hours as (weekday, opens, closes), holidays as (date, closes_at or None)."""
        by_day: dict[int, list] = {}
        for weekday, opens, closes in hours:
            if closes > opens:
                by_day.setdefault(weekday, []).append((opens, closes))
        return cls(hours={day: tuple(sorted(spans)) for day, spans in by_day.items()},
                   holidays=dict(holidays), tz=tz)

    def intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working intervals of a local day, as aware datetimes in UTC, in order."""
        spans = self.hours.get(day.weekday(), ())
        if day in self.holidays:
            closes_at = self.holidays[day]
            if closes_at is None:
                return []
            spans = [(opens, min(closes, closes_at)) for opens, closes in spans if opens < closes_at]
        return [(dt.datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC),
                 dt.datetime.combine(day, closes, tzinfo=self.tz).astimezone(UTC)) for opens, closes in spans]

    def local_day(self, moment: dt.datetime) -> dt.date:
        return _aware(moment).astimezone(self.tz).date()


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("SLA clocks take aware datetimes")
    return moment


def add_business_seconds(start: dt.datetime, seconds: float, calendar: Calendar) -> dt.datetime:
    """The moment `seconds` of business time after `start` (aware, in the calendar's zone). Zero seconds: `start`
    itself. A target that ends exactly at a closing time is due at that closing time."""
    start = _aware(start).astimezone(UTC)
    remaining = dt.timedelta(seconds=max(0, seconds))
    if not remaining:
        return start.astimezone(calendar.tz)
    day = calendar.local_day(start)
    for _ in range(MAX_DAYS):
        for opens, closes in calendar.intervals(day):
            if closes <= start:
                continue
            begin = max(opens, start)
            available = closes - begin
            if remaining <= available:
                return (begin + remaining).astimezone(calendar.tz)
            remaining -= available
        day += dt.timedelta(days=1)
    raise EmptyCalendar("No working time in the calendar")


def add_business_time(start: dt.datetime, minutes: float, calendar: Calendar) -> dt.datetime:
    """The due moment of a target of `minutes` business minutes from `start`."""
    return add_business_seconds(start, minutes * 60, calendar)


def business_seconds_between(a: dt.datetime, b: dt.datetime, calendar: Calendar) -> int:
    """Business seconds from `a` to `b` (0 when b is not after a)."""
    a, b = _aware(a).astimezone(UTC), _aware(b).astimezone(UTC)
    if b <= a:
        return 0
    total = dt.timedelta()
    day, last = calendar.local_day(a), calendar.local_day(b)
    while day <= last:
        for opens, closes in calendar.intervals(day):
            begin, end = max(opens, a), min(closes, b)
            if end > begin:
                total += end - begin
        day += dt.timedelta(days=1)
    return int(total.total_seconds())


@dataclass(frozen=True)
class Targets:
    """A policy's targets in business minutes."""

    first_response_minutes: int
    resolution_minutes: int


@dataclass(frozen=True)
class Due:
    first_response: dt.datetime
    resolution: dt.datetime


def due_times(*, opened_at: dt.datetime, targets: Targets, paused_seconds: int, calendar: Calendar) -> Due:
    """Both due times of a ticket opened at `opened_at` with these targets and this much business time paused
    (the module's rules: paused time credited to both clocks, targets counted from the opening)."""
    return Due(
        first_response=add_business_seconds(opened_at, targets.first_response_minutes * 60 + paused_seconds, calendar),
        resolution=add_business_seconds(opened_at, targets.resolution_minutes * 60 + paused_seconds, calendar))


def warning_time(*, opened_at: dt.datetime, minutes: int, paused_seconds: int, calendar: Calendar,
                 share: float = 0.8) -> dt.datetime:
    """When `share` (80 %) of a target of `minutes` is used up."""
    return add_business_seconds(opened_at, minutes * 60 * share + paused_seconds, calendar)


def elapsed_seconds(*, opened_at: dt.datetime, now: dt.datetime, paused_seconds: int, calendar: Calendar) -> int:
    """Business seconds a ticket's clocks have run: since its opening, less its pauses."""
    return max(0, business_seconds_between(opened_at, now, calendar) - paused_seconds)
