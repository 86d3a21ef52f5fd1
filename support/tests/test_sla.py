"""The SLA clocks' pure maths (support/services/sla.py), table-driven, on the preloaded calendar (Monday–Friday
09:00–18:00 Europe/Istanbul, Turkey's public holidays of 2026–2027 with their half-day eves): no database."""
import datetime as dt

import pytest

from support.reference import HOLIDAYS, SLA_POLICIES, WORKING_HOURS
from support.services import sla

IST = sla.ISTANBUL
CAL = sla.Calendar.of(hours=WORKING_HOURS, holidays=[(date, closes_at) for date, _, closes_at in HOLIDAYS])
H, D = 60, 540  # business minutes in an hour and in a day


def at(text):
    """A local Istanbul moment: "2026-01-09 17:55" (a Friday)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=IST)


ADD = [
    # (case, start, business minutes, due)
    ("Friday 17:55, 5 minutes: due at closing", "2026-01-09 17:55", 5, "2026-01-09 18:00"),
    ("Friday 17:55, 30 minutes: 5 on Friday, 25 on Monday", "2026-01-09 17:55", 30, "2026-01-12 09:25"),
    ("Friday 17:55, 8 business hours: Monday 16:55", "2026-01-09 17:55", 8 * H, "2026-01-12 16:55"),
    ("before opening: counts from 09:00", "2026-01-13 07:00", H, "2026-01-13 10:00"),
    ("after closing: counts from the next morning", "2026-01-13 19:30", H, "2026-01-14 10:00"),
    ("on a Saturday: counts from Monday", "2026-01-10 11:00", 2 * H, "2026-01-12 11:00"),
    ("opened on a holiday (23 April, Thursday)", "2026-04-23 10:00", H, "2026-04-24 10:00"),
    ("opened on a holiday before a weekend (1 May, Friday)", "2026-05-01 11:00", 8 * H, "2026-05-04 17:00"),
    ("New Year's day", "2027-01-01 09:30", 30, "2027-01-04 09:30"),
    ("half-day eve (28 October) morning: works until 13:00, then the holiday", "2026-10-28 12:00", 2 * H,
     "2026-10-30 10:00"),
    ("half-day eve afternoon: already closed", "2026-10-28 14:00", 30, "2026-10-30 09:30"),
    ("half-day eve, within its morning", "2026-10-28 09:00", 3 * H, "2026-10-28 12:00"),
    ("Ramazan Bayramı 2026 crossed: eve 19 March half day, 20 March closed",
     "2026-03-18 16:00", 3 * D, "2026-03-25 12:00"),
    ("Ramazan Bayramı 2027 crossed: eve 8 March half day, 9–11 March closed",
     "2027-03-05 17:00", 8 * H, "2027-03-12 12:00"),
    ("Kurban Bayramı 2026 crossed: eve 26 May half day, 27–30 May closed",
     "2026-05-25 10:00", 3 * D, "2026-06-02 15:00"),
    ("Kurban Bayramı 2027 (its 4th day is also 19 May) crossed", "2027-05-14 17:00", 2 * H, "2027-05-20 10:00"),
    ("15 July (a Wednesday)", "2026-07-14 17:00", 2 * H, "2026-07-16 10:00"),
    ("zero minutes: the start itself", "2026-01-10 11:00", 0, "2026-01-10 11:00"),
]


@pytest.mark.parametrize(("case", "start", "minutes", "due"), ADD, ids=[row[0] for row in ADD])
def test_add_business_time(case, start, minutes, due):
    result = sla.add_business_time(at(start), minutes, CAL)
    assert result == at(due)
    assert result.tzinfo == IST  # aware in, aware out, in the calendar's zone


BETWEEN = [
    ("Friday 17:00 to Monday 10:00", "2026-01-09 17:00", "2026-01-12 10:00", 2 * 3600),
    ("a pause over a weekend", "2026-01-09 16:00", "2026-01-12 11:00", 4 * 3600),
    ("a whole holiday", "2026-04-23 00:00", "2026-04-24 00:00", 0),
    ("a half-day eve and its holiday", "2026-10-28 09:00", "2026-10-30 09:00", 4 * 3600),
    ("within one morning", "2026-01-13 09:15", "2026-01-13 09:45", 30 * 60),
    ("backwards: nothing", "2026-01-13 12:00", "2026-01-13 10:00", 0),
    ("a night", "2026-01-13 18:00", "2026-01-14 09:00", 0),
]


@pytest.mark.parametrize(("case", "a", "b", "seconds"), BETWEEN, ids=[row[0] for row in BETWEEN])
def test_business_seconds_between(case, a, b, seconds):
    assert sla.business_seconds_between(at(a), at(b), CAL) == seconds


def test_between_and_add_agree():
    start = at("2026-03-18 16:00")
    due = sla.add_business_time(start, 3 * D, CAL)
    assert sla.business_seconds_between(start, due, CAL) == 3 * D * 60


def targets(tier, priority):
    return sla.Targets(*SLA_POLICIES[(tier, priority)])


def paused(a, b):
    return sla.business_seconds_between(at(a), at(b), CAL)


TICKETS = [
    # (case, opened, targets, business seconds paused, first response due, resolution due)
    ("a standard/normal ticket at Friday 17:55 (8 business hours, 3 business days)",
     "2026-01-09 17:55", targets("standard", "normal"), 0, "2026-01-12 16:55", "2026-01-14 17:55"),
    ("a key account's urgent ticket at Friday 17:55 (30 minutes, 4 hours)",
     "2026-01-09 17:55", targets("key_account", "urgent"), 0, "2026-01-12 09:25", "2026-01-12 12:55"),
    ("opened on a holiday: both clocks start the next working morning",
     "2026-04-23 15:00", targets("gold", "normal"), 0, "2026-04-24 11:00", "2026-04-24 18:00"),
    ("opened on a half-day eve at 12:30: half an hour that day",
     "2026-10-28 12:30", targets("silver", "urgent"), 0, "2026-10-30 09:30", "2026-10-30 14:30"),
    # Paused on Friday at 10:10 (10 minutes used), the dealer answers on Monday at 10:00: 20 minutes are left of the
    # first-response target and 230 of the resolution target, from Monday 10:00.
    ("a pause over a weekend is credited to both clocks",
     "2026-01-09 10:00", targets("key_account", "urgent"), paused("2026-01-09 10:10", "2026-01-12 10:00"),
     "2026-01-12 10:20", "2026-01-12 13:50"),
    ("a pause over a holiday counts only its working time",
     "2026-04-22 17:00", targets("standard", "urgent"), paused("2026-04-22 17:30", "2026-04-24 09:30"),
     "2026-04-24 11:00", "2026-04-24 18:00"),
    ("targets crossing Kurban Bayramı 2026",
     "2026-05-25 10:00", targets("standard", "normal"), 0, "2026-05-25 18:00", "2026-06-02 15:00"),
]


@pytest.mark.parametrize(("case", "opened", "goal", "paused_seconds", "first", "resolution"), TICKETS,
                         ids=[row[0] for row in TICKETS])
def test_due_times_of_a_ticket(case, opened, goal, paused_seconds, first, resolution):
    due = sla.due_times(opened_at=at(opened), targets=goal, paused_seconds=paused_seconds, calendar=CAL)
    assert (due.first_response, due.resolution) == (at(first), at(resolution))


CHANGES = [
    # (case, opened, before, after, changed at, first response due after, resolution due after, left of the first)
    # The rule: both due times are recomputed from the opening with the new targets; the business time already
    # elapsed counts against the new target.
    ("priority raised mid-way (normal → high): 2 of the 4 hours are used",
     "2026-01-12 09:00", targets("standard", "normal"), targets("standard", "high"), "2026-01-12 11:00",
     "2026-01-12 13:00", "2026-01-13 18:00", 2 * 3600),
    ("priority raised to urgent after its target is used up: due at once (a breach)",
     "2026-01-12 09:00", targets("standard", "normal"), targets("standard", "urgent"), "2026-01-12 12:00",
     "2026-01-12 11:00", "2026-01-12 18:00", 0),
    ("priority lowered (urgent → low): the longer target, from the opening",
     "2026-01-12 09:00", targets("standard", "urgent"), targets("standard", "low"), "2026-01-12 10:00",
     "2026-01-13 16:00", "2026-01-16 18:00", 15 * 3600),
    ("the dealer becomes a key account mid-way (standard → key account, normal)",
     "2026-01-12 09:00", targets("standard", "normal"), targets("key_account", "normal"), "2026-01-12 09:30",
     "2026-01-12 10:00", "2026-01-12 15:00", 30 * 60),
    ("tier lowered across a weekend (gold → standard, high)",
     "2026-01-09 16:00", targets("gold", "high"), targets("standard", "high"), "2026-01-09 16:30",
     "2026-01-12 11:00", "2026-01-13 16:00", 3.5 * 3600),
]


@pytest.mark.parametrize(("case", "opened", "before", "after", "changed", "first", "resolution", "left"), CHANGES,
                         ids=[row[0] for row in CHANGES])
def test_a_change_of_priority_or_tier_recomputes_from_the_opening(case, opened, before, after, changed, first,
                                                                   resolution, left):
    old = sla.due_times(opened_at=at(opened), targets=before, paused_seconds=0, calendar=CAL)
    new = sla.due_times(opened_at=at(opened), targets=after, paused_seconds=0, calendar=CAL)
    assert old != new
    assert (new.first_response, new.resolution) == (at(first), at(resolution))
    now = at(changed)
    left_now = max(0, sla.business_seconds_between(now, new.first_response, CAL))
    assert left_now == left
    elapsed = sla.elapsed_seconds(opened_at=at(opened), now=now, paused_seconds=0, calendar=CAL)
    assert elapsed + left_now == max(elapsed, after.first_response_minutes * 60)


def test_the_80_percent_warning_time():
    # 8 business hours from Friday 17:55: 80 % is 6 h 24 min → Monday 15:19.
    warn = sla.warning_time(opened_at=at("2026-01-09 17:55"), minutes=8 * H, paused_seconds=0, calendar=CAL)
    assert warn == at("2026-01-12 15:19")


def test_several_intervals_a_day_and_a_lunch_break():
    cal = sla.Calendar.of(hours=[(0, dt.time(9), dt.time(12, 30)), (0, dt.time(13, 30), dt.time(18))])
    assert sla.add_business_time(at("2026-01-12 12:00"), 60, cal) == at("2026-01-12 14:00")
    assert sla.business_seconds_between(at("2026-01-12 12:00"), at("2026-01-12 14:00"), cal) == 3600
    # A Monday with a half-day: the lunch break's afternoon is cut at 15:00.
    half = sla.Calendar.of(hours=[(0, dt.time(9), dt.time(12, 30)), (0, dt.time(13, 30), dt.time(18))],
                           holidays=[(dt.date(2026, 1, 12), dt.time(15))])
    assert sla.add_business_time(at("2026-01-12 12:00"), 120, half) == at("2026-01-12 15:00")
    assert sla.add_business_time(at("2026-01-12 12:00"), 150, half) == at("2026-01-19 09:30")


def test_aware_in_aware_out_and_utc_input():
    utc = dt.datetime(2026, 1, 9, 14, 55, tzinfo=dt.UTC)  # Friday 17:55 in Istanbul
    assert sla.add_business_time(utc, 30, CAL) == at("2026-01-12 09:25")
    with pytest.raises(ValueError, match="aware"):
        sla.add_business_time(dt.datetime(2026, 1, 9, 17, 55), 30, CAL)


def test_an_empty_calendar_is_refused():
    with pytest.raises(sla.EmptyCalendar):
        sla.add_business_time(at("2026-01-09 17:55"), 30, sla.Calendar())


def test_the_preloaded_calendar():
    closed = {date for date, _, closes_at in HOLIDAYS if closes_at is None}
    eves = {date: closes_at for date, _, closes_at in HOLIDAYS if closes_at is not None}
    assert {dt.date(2026, 3, 20), dt.date(2026, 5, 27), dt.date(2027, 3, 9), dt.date(2027, 5, 16),
            dt.date(2026, 10, 29), dt.date(2027, 7, 15)} <= closed
    assert eves == {dt.date(2026, 3, 19): dt.time(13), dt.date(2026, 5, 26): dt.time(13),
                    dt.date(2026, 10, 28): dt.time(13), dt.date(2027, 3, 8): dt.time(13),
                    dt.date(2027, 5, 15): dt.time(13), dt.date(2027, 10, 28): dt.time(13)}
    assert len({date for date, _, _ in HOLIDAYS}) == len(HOLIDAYS)
    assert len(SLA_POLICIES) == 16
    # Better tiers and higher priorities never get longer targets.
    tiers, priorities = ["standard", "silver", "gold", "key_account"], ["low", "normal", "high", "urgent"]
    for tier, better in zip(tiers, tiers[1:], strict=False):
        for priority in priorities:
            first, resolution = SLA_POLICIES[(better, priority)]
            assert first <= SLA_POLICIES[(tier, priority)][0] and resolution <= SLA_POLICIES[(tier, priority)][1]
    for tier in tiers:
        for priority, higher in zip(priorities, priorities[1:], strict=False):
            first, resolution = SLA_POLICIES[(tier, higher)]
            assert first <= SLA_POLICIES[(tier, priority)][0] and resolution <= SLA_POLICIES[(tier, priority)][1]
