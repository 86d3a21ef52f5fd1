"""Metrics for the support manager (issue 15, section 7): reads only, no writes.

Of the tickets opened in a date range (local dates, both included) and of one dealer tier (or all), merged duplicates
left out:
- first-response and resolution time in business hours (the support calendar: support.services.sla), median and 90th
  percentile (linear between ranks, as `statistics.quantiles(method="inclusive")`). Resolution time leaves out the
  business time the ticket waited on the dealer (`paused_seconds`); the first response comes before any pause.
- SLA attainment per clock: of the tickets whose clock has an outcome (answered/resolved, or past its due time
  without), the share that met the due time; the others are breaches.
- backlog by age: the tickets still open (new, open, waiting on the dealer) by business days since opening (a business
  day is the longest working day of the calendar, 9 hours for 09:00–18:00): 0–1, 1–3, 3–7, 7 and more.
- tickets by category, tier, team and agent; satisfaction: average, distribution of 1–5, response rate (rated of
  asked).
- by channel (issue 16: the ticket's `source`: portal, API, mail, live chat, WhatsApp, phone, …): one row per
  channel with the tickets opened, first-response and resolution time (median and 90th percentile in business
  hours, as above) and satisfaction (average, how many rated).
"""
import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..models import Satisfaction, Ticket, TicketCategory, TicketSource, TicketStatus, Tier
from . import sla

OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING_ON_DEALER)
# Backlog buckets: (label, from business days included, until business days excluded or None).
BACKLOG_BUCKETS = ((0, 1), (1, 3), (3, 7), (7, None))


def _round(value, places="0.1"):
    return None if value is None else Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def hours(seconds) -> Decimal | None:
    return None if seconds is None else _round(Decimal(seconds) / 3600, "0.01")


def median_and_p90(values: list) -> tuple:
    """Median and 90th percentile (linear between ranks) of `values`; (None, None) when empty."""
    if not values:
        return None, None
    if len(values) == 1:
        return values[0], values[0]
    return statistics.median(values), statistics.quantiles(values, n=10, method="inclusive")[8]


def percent(part, whole) -> Decimal | None:
    return None if not whole else _round(Decimal(part) * 100 / Decimal(whole))


def business_day_seconds(calendar: sla.Calendar) -> int:
    """The length of the calendar's longest working day (what one business day of age counts)."""
    longest = 0
    for spans in calendar.hours.values():
        total = sum((dt.datetime.combine(dt.date.min, closes) - dt.datetime.combine(dt.date.min, opens)).seconds
                    for opens, closes in spans)
        longest = max(longest, total)
    return longest or 24 * 3600


@dataclass
class Clock:
    """One clock's figures: business hours (median, p90) and the SLA outcome."""

    count: int = 0
    median_hours: Decimal | None = None
    p90_hours: Decimal | None = None
    met: int = 0
    breached: int = 0

    @property
    def attainment(self) -> Decimal | None:
        return percent(self.met, self.met + self.breached)


@dataclass
class ChannelFigures:
    """One channel's row: tickets opened, the two clocks' business hours (median, p90), satisfaction."""

    channel: str
    label: str
    tickets: int = 0
    first_response: Clock = field(default_factory=Clock)
    resolution: Clock = field(default_factory=Clock)
    rated: int = 0
    satisfaction_average: Decimal | None = None


@dataclass
class Metrics:
    tickets: int = 0
    first_response: Clock = field(default_factory=Clock)
    resolution: Clock = field(default_factory=Clock)
    backlog: list = field(default_factory=list)        # [(label, count)]
    by_category: list = field(default_factory=list)    # [(label, count)]
    by_tier: list = field(default_factory=list)
    by_team: list = field(default_factory=list)
    by_agent: list = field(default_factory=list)
    satisfaction_asked: int = 0
    satisfaction_rated: int = 0
    satisfaction_average: Decimal | None = None
    satisfaction_distribution: list = field(default_factory=list)  # [(rating, count)] 5..1
    by_channel: list = field(default_factory=list)  # [ChannelFigures], one per channel (TicketSource's order)

    @property
    def satisfaction_response_rate(self) -> Decimal | None:
        return percent(self.satisfaction_rated, self.satisfaction_asked)


def filtered_tickets(*, opened_from=None, opened_to=None, tier=None):
    """The tickets the figures are about: opened between the local dates given (both included), of `tier`."""
    tickets = Ticket.objects.filter(merged_into__isnull=True)
    zone = timezone.get_default_timezone()
    if opened_from:
        tickets = tickets.filter(created_at__gte=dt.datetime.combine(opened_from, dt.time.min, tzinfo=zone))
    if opened_to:
        tickets = tickets.filter(
            created_at__lt=dt.datetime.combine(opened_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone))
    if tier:
        tickets = tickets.filter(dealer__tier=tier)
    return tickets


def backlog_label(low, high) -> str:
    if high is None:
        return _("%(n)s+ business days") % {"n": low}
    return _("%(low)s–%(high)s business days") % {"low": low, "high": high}


def _counts(tickets, key, labels, empty_label) -> list:
    rows = tickets.values(key).annotate(n=Count("pk")).order_by("-n", key)
    return [(labels.get(row[key], row[key]) if row[key] is not None else empty_label, row["n"]) for row in rows]


def support_metrics(*, opened_from=None, opened_to=None, tier=None, now=None, calendar=None) -> Metrics:
    """The figures of the metrics page and its CSV export (see the module's doc)."""
    now = now or timezone.now()
    if calendar is None:
        from .clocks import calendar as calendar_from_db  # the calendar of the WorkingHours and Holiday rows

        calendar = calendar_from_db()
    tickets = filtered_tickets(opened_from=opened_from, opened_to=opened_to, tier=tier)
    result = Metrics(tickets=tickets.count())
    first, resolution = [], []
    day = business_day_seconds(calendar)
    backlog = [0] * len(BACKLOG_BUCKETS)
    fr, rs = result.first_response, result.resolution
    channels = {value: ChannelFigures(channel=value, label=str(label)) for value, label in TicketSource.choices}
    per_channel = {value: ([], []) for value in channels}  # channel -> (first-response seconds, resolution seconds)
    rows = tickets.values_list("created_at", "first_responded_at", "first_response_due", "resolved_at",
                               "resolution_due", "paused_seconds", "status", "source")
    for opened, responded, response_due, resolved, resolution_due, paused, status, source in rows.iterator(
            chunk_size=2000):
        if source not in channels:  # a channel no longer offered: its own row, named by its value
            channels[source] = ChannelFigures(channel=source, label=source)
            per_channel[source] = ([], [])
        channels[source].tickets += 1
        if responded:
            first.append(sla.business_seconds_between(opened, responded, calendar))
            per_channel[source][0].append(first[-1])
        if resolved and status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            resolution.append(max(0, sla.business_seconds_between(opened, resolved, calendar) - (paused or 0)))
            per_channel[source][1].append(resolution[-1])
        for clock, done, due in ((fr, responded, response_due), (rs, resolved, resolution_due)):
            if due is None:
                continue
            if done is not None and done <= due:
                clock.met += 1
            elif done is not None or now > due:
                clock.breached += 1
        if status in OPEN_STATUSES:
            age = sla.business_seconds_between(opened, now, calendar) / day
            for index, (low, high) in enumerate(BACKLOG_BUCKETS):
                if age >= low and (high is None or age < high):
                    backlog[index] += 1
                    break
    for clock, values in ((fr, first), (rs, resolution)):
        clock.count = len(values)
        median, p90 = median_and_p90(sorted(values))
        clock.median_hours, clock.p90_hours = hours(median), hours(p90)
    result.backlog = [(backlog_label(low, high), n) for (low, high), n in zip(BACKLOG_BUCKETS, backlog, strict=True)]
    result.by_category = _counts(tickets, "category", dict(TicketCategory.choices), pgettext("ticket category", "Other"))
    result.by_tier = _counts(tickets, "dealer__tier", dict(Tier.choices), pgettext("support tier", "Standard"))
    result.by_team = _counts(tickets, "team__name", {}, _("No team"))
    agents = tickets.values("assignee", "assignee__first_name", "assignee__last_name", "assignee__email").annotate(
        n=Count("pk")).order_by("-n", "assignee")
    result.by_agent = [((f"{a['assignee__first_name']} {a['assignee__last_name']}".strip() or a["assignee__email"])
                        if a["assignee"] else _("Unassigned"), a["n"]) for a in agents]
    result.satisfaction_asked = tickets.filter(satisfaction_asked_at__isnull=False).count()
    ratings = Satisfaction.objects.filter(ticket__in=tickets)
    distribution = dict(ratings.values_list("rating").annotate(n=Count("pk")).values_list("rating", "n"))
    result.satisfaction_rated = sum(distribution.values())
    if result.satisfaction_rated:
        total = sum(rating * n for rating, n in distribution.items())
        result.satisfaction_average = _round(Decimal(total) / result.satisfaction_rated, "0.01")
    result.satisfaction_distribution = [(rating, distribution.get(rating, 0)) for rating in (5, 4, 3, 2, 1)]
    for source, (first_seconds, resolution_seconds) in per_channel.items():
        row = channels[source]
        for clock, values in ((row.first_response, first_seconds), (row.resolution, resolution_seconds)):
            clock.count = len(values)
            median, p90 = median_and_p90(sorted(values))
            clock.median_hours, clock.p90_hours = hours(median), hours(p90)
    for source, n, total in (ratings.values("ticket__source").annotate(n=Count("pk"), total=Sum("rating"))
                             .values_list("ticket__source", "n", "total")):
        if source in channels and n:
            channels[source].rated = n
            channels[source].satisfaction_average = _round(Decimal(total) / n, "0.01")
    result.by_channel = list(channels.values())
    return result


def metrics_rows(metrics: Metrics) -> list[tuple]:
    """The figures as (section, label, value) rows: the CSV export."""
    rows = [(_("Tickets"), _("Tickets opened"), metrics.tickets)]
    for title, clock in ((_("First response"), metrics.first_response), (_("Resolution"), metrics.resolution)):
        rows += [(title, _("Tickets counted"), clock.count),
                 (title, _("Median (business hours)"), clock.median_hours if clock.median_hours is not None else ""),
                 (title, _("90th percentile (business hours)"), clock.p90_hours if clock.p90_hours is not None else ""),
                 (title, _("SLA met"), clock.met), (title, _("SLA breached"), clock.breached),
                 (title, _("SLA attainment (%)"), clock.attainment if clock.attainment is not None else "")]
    for title, items in ((_("Backlog by age"), metrics.backlog), (_("By category"), metrics.by_category),
                         (_("By tier"), metrics.by_tier), (_("By team"), metrics.by_team),
                         (_("By agent"), metrics.by_agent)):
        rows += [(title, str(label), n) for label, n in items]
    title = _("Satisfaction")
    rows += [(title, _("Asked"), metrics.satisfaction_asked), (title, _("Rated"), metrics.satisfaction_rated),
             (title, _("Response rate (%)"),
              metrics.satisfaction_response_rate if metrics.satisfaction_response_rate is not None else ""),
             (title, _("Average rating"),
              metrics.satisfaction_average if metrics.satisfaction_average is not None else "")]
    rows += [(title, _("Rated %(n)s") % {"n": rating}, n) for rating, n in metrics.satisfaction_distribution]
    for row in metrics.by_channel:
        title = _("By channel: %(channel)s") % {"channel": row.label}
        rows += [(title, _("Tickets opened"), row.tickets),
                 (title, _("First response, median (business hours)"), _blank(row.first_response.median_hours)),
                 (title, _("First response, 90th percentile (business hours)"), _blank(row.first_response.p90_hours)),
                 (title, _("Resolution, median (business hours)"), _blank(row.resolution.median_hours)),
                 (title, _("Resolution, 90th percentile (business hours)"), _blank(row.resolution.p90_hours)),
                 (title, _("Rated"), row.rated), (title, _("Average rating"), _blank(row.satisfaction_average))]
    return rows


def _blank(value):
    return "" if value is None else value
