"""The "voice of the dealer" figures (issue 17 §5): reads only, shared by the dashboard page, its CSV export and the
staff API (`/api/v1/feedback/summary/`, `/api/v1/feedback/responses/`). Its own module rather than
`feedback/selectors.py` (which holds the review reads pages and API share) so the two parts do not edit one file; it is
a selector module all the same: keyword-only arguments, no writes.

The period is whole local months, `month_from` … `month_until` (both included; default the last 12 months up to this
one), and an optional dealer tier. What each figure counts:
- NPS (overall, by month, by tier, region, sales agent, product family): the answers given in the period
  (`NpsResponse.responded_at`), grouped by the invitation's snapshots (tier, city, sales agent, product family at the
  time it was sent). Every score comes from `feedback.services.nps.score` (the one rule) fed with counts per kind
  that PostgreSQL adds up (conditional counts per group, never a loop over the answers), and always carries its n;
  n < 30 is flagged thin.
- Response rate: of the invitations sent in the period, how many were answered (both counts, and the percentage).
- Detractor follow-ups: of the answers given in the period, how many follow-ups are open, contacted, resolved; the
  open ones listed oldest first (dealer, score, ticket, age in days).
- Reviews by product family (the reviewed product's top-level category): reviews submitted in the period, how many
  of them are published and the average stars of the published ones.
- Support satisfaction (support.models.Satisfaction, 1–5): the ratings given in the period of the tier's dealers:
  average, n, by month.

The dashboard page reads them through `dashboard_cached`: computed once (16 queries, some hundred milliseconds at
100,000 answers) and kept in the cache under the figures version, which every saved or deleted row they are made of
bumps (feedback/signals.py: answers, invitations, follow-ups, reviews, support ratings, and the dealers, users,
categories and products whose names and families they show), so a new answer shows on the next page view.
"""
import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, Count, F, Func, Q, Sum, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from .models import DetractorLoop, LoopStatus, NpsInvitation, NpsKind, NpsResponse, Review, ReviewStatus
from .services.nps import NpsResult, score

DEFAULT_MONTHS = 12
MAX_MONTHS = 120      # a longer period is refused (ten years of months on one page is no chart)
OPEN_LOOPS_SHOWN = 100
KIND_COUNTS = {
    "promoters": Count("pk", filter=Q(kind=NpsKind.PROMOTER)),
    "passives": Count("pk", filter=Q(kind=NpsKind.PASSIVE)),
    "detractors": Count("pk", filter=Q(kind=NpsKind.DETRACTOR)),
}


def tier_choices() -> list[tuple[str, str]]:
    """The dealer tiers (dealers.Dealer.tier's choices), value and label in the reader's language."""
    from dealers.models import Dealer

    return [(value, str(label)) for value, label in Dealer._meta.get_field("tier").choices]


def tier_label(value) -> str:
    return dict(tier_choices()).get(value, value) if value else pgettext("dealer tier", "No tier")


# --- the period ------------------------------------------------------------------------------------------------------

def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(value) -> dt.date | None:
    """"YYYY-MM" (an <input type="month">) or a date → the first of that month; None when empty or unreadable."""
    if isinstance(value, dt.date):
        return first_of_month(value)
    text = str(value or "").strip()
    try:
        year, month = text.split("-")[:2] if text.count("-") in (1, 2) else ("", "")
        return dt.date(int(year), int(month), 1) if len(year) == 4 and 1 <= len(month) <= 2 else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Period:
    month_from: dt.date   # the first of the first month
    month_until: dt.date  # the first of the last month (included)
    tier: str = ""

    @property
    def months(self) -> list[dt.date]:
        months, month = [], self.month_from
        while month <= self.month_until:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def starts(self) -> dt.datetime:
        return dt.datetime.combine(self.month_from, dt.time.min, tzinfo=timezone.get_current_timezone())

    @property
    def ends(self) -> dt.datetime:
        """The first moment after the period (excluded)."""
        return dt.datetime.combine(add_months(self.month_until, 1), dt.time.min,
                                   tzinfo=timezone.get_current_timezone())


class PeriodError(ValueError):
    """A period the figures cannot be about; the message says why (shown on the form, or a 400 in the API)."""

    def __init__(self, message, field):
        super().__init__(message)
        self.message, self.field = message, field


def period(*, month_from=None, month_until=None, tier="", today=None) -> Period:
    """The period asked for: months as "YYYY-MM" or dates, empty ones defaulted (until: this month; from: 11 months
    before until), a tier value or "". PeriodError for an unreadable month, from after until, more than 120 months or
    an unknown tier."""
    today = today or timezone.localdate()
    until = parse_month(month_until) if month_until not in (None, "") else first_of_month(today)
    if until is None:
        raise PeriodError(_("Give a month as YYYY-MM."), "until")
    start = parse_month(month_from) if month_from not in (None, "") else add_months(until, 1 - DEFAULT_MONTHS)
    if start is None:
        raise PeriodError(_("Give a month as YYYY-MM."), "from")
    if start > until:
        raise PeriodError(_("The first month comes after the last one."), "from")
    if (until.year - start.year) * 12 + until.month - start.month >= MAX_MONTHS:
        raise PeriodError(_("Choose at most %(n)s months.") % {"n": MAX_MONTHS}, "from")
    tier = str(tier or "").strip()
    if tier and tier not in dict(tier_choices()):
        raise PeriodError(_("Choose one of the tiers."), "tier")
    return Period(month_from=start, month_until=until, tier=tier)


# --- reads -----------------------------------------------------------------------------------------------------------

def responses_in(p: Period):
    """The answers given in the period (of the tier's invitations)."""
    rows = NpsResponse.objects.filter(responded_at__gte=p.starts, responded_at__lt=p.ends)
    return rows.filter(invitation__tier=p.tier) if p.tier else rows


def list_responses(*, period: Period):
    """The answers of the period, newest first, with what the API's export shows (one query per page)."""
    return responses_in(period).select_related(
        "dealer", "invitation", "invitation__sales_agent", "invitation__product_family").order_by("-responded_at", "-pk")


def _result(row) -> NpsResult:
    return score({NpsKind.PROMOTER: row["promoters"], NpsKind.PASSIVE: row["passives"],
                  NpsKind.DETRACTOR: row["detractors"]})


@dataclass
class NpsRow:
    """One group's score: `key` is what it groups by (a month, a tier value, a city, a user's or category's id)."""

    key: object
    label: str
    result: NpsResult


@dataclass
class Satisfaction:
    n: int = 0
    average: Decimal | None = None


@dataclass
class FamilyReviews:
    family_id: int | None
    label: str
    submitted: int
    published: int
    average: Decimal | None


@dataclass
class OpenLoop:
    pk: int
    dealer_code: str
    dealer_name: str
    score: int
    ticket_number: str | None
    opened_at: dt.datetime
    age_days: int
    status: str


@dataclass
class Figures:
    period: Period
    overall: NpsResult
    by_month: list = field(default_factory=list)      # [NpsRow] one per month of the period, key = the month's first
    by_tier: list = field(default_factory=list)       # [NpsRow], most answers first
    by_region: list = field(default_factory=list)
    by_agent: list = field(default_factory=list)
    by_family: list = field(default_factory=list)
    invitations_sent: int = 0
    invitations_answered: int = 0
    loops: dict = field(default_factory=dict)         # {LoopStatus value: count}, every status
    open_loops: list = field(default_factory=list)    # [OpenLoop], oldest first, at most OPEN_LOOPS_SHOWN
    reviews_by_family: list = field(default_factory=list)  # [FamilyReviews], most submitted first
    reviews_submitted: int = 0
    reviews_published: int = 0
    reviews_average: Decimal | None = None
    satisfaction: Satisfaction = field(default_factory=Satisfaction)
    satisfaction_by_month: list = field(default_factory=list)  # [(month, Satisfaction)] one per month

    @property
    def response_rate(self) -> Decimal | None:
        return percent(self.invitations_answered, self.invitations_sent)


def percent(part, whole) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def ratio(total, n) -> Decimal | None:
    """An average of whole numbers (`total` of `n`) to two places; None when n is 0."""
    return None if not n else (Decimal(total or 0) / Decimal(n)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _grouped(responses, key, label_of, *extra) -> list[NpsRow]:
    rows = responses.values(key, *extra).annotate(**KIND_COUNTS)
    result = [NpsRow(key=row[key], label=label_of(row), result=_result(row)) for row in rows]
    return sorted(result, key=lambda r: (-r.result.n, r.label))


def _agent_label(row) -> str:
    if row["invitation__sales_agent"] is None:
        return _("No sales agent")
    name = f"{row['invitation__sales_agent__first_name']} {row['invitation__sales_agent__last_name']}".strip()
    return name or row["invitation__sales_agent__email"]


class SplitPart(Func):
    """PostgreSQL split_part(text, delimiter, n)."""

    function = "split_part"
    output_field = CharField()


def _reviews(p: Period, figures: Figures) -> None:
    from catalog.models import Category

    reviews = Review.objects.filter(submitted_at__gte=p.starts, submitted_at__lt=p.ends)
    if p.tier:
        reviews = reviews.filter(tier=p.tier)
    published = Q(status=ReviewStatus.PUBLISHED)
    rows = list(reviews.annotate(family=SplitPart(F("product__category__path"), Value("/"), Value(1)))
                .values("family").annotate(submitted=Count("pk"), published=Count("pk", filter=published),
                                           stars=Sum("stars", filter=published)))
    ids = {int(row["family"]) for row in rows if (row["family"] or "").isdigit()}
    names = dict(Category.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    families = []
    for row in rows:
        family = int(row["family"]) if (row["family"] or "").isdigit() else None
        families.append(FamilyReviews(family_id=family, label=names.get(family) or _("No product family"),
                                      submitted=row["submitted"], published=row["published"],
                                      average=ratio(row["stars"], row["published"])))
    figures.reviews_by_family = sorted(families, key=lambda r: (-r.submitted, r.label))
    figures.reviews_submitted = sum(r.submitted for r in families)
    figures.reviews_published = sum(r.published for r in families)
    figures.reviews_average = ratio(sum(row["stars"] or 0 for row in rows), figures.reviews_published)


def _satisfaction(p: Period, figures: Figures) -> None:
    from support.models import Satisfaction as Rating

    ratings = Rating.objects.filter(rated_at__gte=p.starts, rated_at__lt=p.ends)
    if p.tier:
        ratings = ratings.filter(ticket__dealer__tier=p.tier)
    zone = timezone.get_current_timezone()
    monthly = {row["month"].astimezone(zone).date(): row for row in
               ratings.annotate(month=TruncMonth("rated_at", tzinfo=zone)).values("month")
               .annotate(n=Count("pk"), stars=Sum("rating"))}
    figures.satisfaction_by_month = [
        (month, Satisfaction(n=monthly[month]["n"], average=ratio(monthly[month]["stars"], monthly[month]["n"]))
         if month in monthly else Satisfaction()) for month in p.months]
    n = sum(row["n"] for row in monthly.values())
    figures.satisfaction = Satisfaction(n=n, average=ratio(sum(row["stars"] for row in monthly.values()), n))


def _loops(p: Period, figures: Figures, now) -> None:
    loops = DetractorLoop.objects.filter(response__responded_at__gte=p.starts, response__responded_at__lt=p.ends)
    if p.tier:
        loops = loops.filter(response__invitation__tier=p.tier)
    counts = dict(loops.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    figures.loops = {status: counts.get(status, 0) for status in LoopStatus.values}
    rows = (loops.filter(status=LoopStatus.OPEN).order_by("created_at", "pk")
            .values("pk", "status", "created_at", "response__score", "response__dealer__code",
                    "response__dealer__trade_name", "response__dealer__legal_name", "ticket__number")
            [:OPEN_LOOPS_SHOWN])
    figures.open_loops = [OpenLoop(
        pk=row["pk"], dealer_code=row["response__dealer__code"] or "",
        dealer_name=row["response__dealer__trade_name"] or row["response__dealer__legal_name"],
        score=row["response__score"], ticket_number=row["ticket__number"], opened_at=row["created_at"],
        age_days=max(0, (now - row["created_at"]).days), status=row["status"]) for row in rows]


def dashboard(*, period: Period, now=None) -> Figures:
    """Every figure of the dashboard for `period` (see the module's doc): a fixed number of queries, whatever the
    number of answers."""
    now = now or timezone.now()
    p = period
    responses = responses_in(p)
    zone = timezone.get_current_timezone()
    monthly = {row["month"].astimezone(zone).date(): row for row in
               responses.annotate(month=TruncMonth("responded_at", tzinfo=zone)).values("month").annotate(**KIND_COUNTS)}
    empty = {"promoters": 0, "passives": 0, "detractors": 0}
    figures = Figures(period=p, overall=_result({key: sum(row[key] for row in monthly.values()) for key in empty}))
    figures.by_month = [NpsRow(key=month, label=month.isoformat()[:7], result=_result(monthly.get(month, empty)))
                        for month in p.months]
    figures.by_tier = _grouped(responses, "invitation__tier", lambda row: tier_label(row["invitation__tier"]))
    figures.by_region = _grouped(responses, "invitation__city",
                                 lambda row: row["invitation__city"] or _("No city"))
    figures.by_agent = _grouped(responses, "invitation__sales_agent", _agent_label, "invitation__sales_agent__first_name",
                                "invitation__sales_agent__last_name", "invitation__sales_agent__email")
    figures.by_family = _grouped(responses, "invitation__product_family",
                                 lambda row: row["invitation__product_family__name"] or _("No product family"),
                                 "invitation__product_family__name")
    invitations = NpsInvitation.objects.filter(sent_at__gte=p.starts, sent_at__lt=p.ends)
    if p.tier:
        invitations = invitations.filter(tier=p.tier)
    sent = invitations.aggregate(sent=Count("pk"), answered=Count("response"))
    figures.invitations_sent, figures.invitations_answered = sent["sent"], sent["answered"]
    _loops(p, figures, now)
    _reviews(p, figures)
    _satisfaction(p, figures)
    return figures


# --- the figures kept in the cache ----------------------------------------------------------------------------------

FIGURES_VERSION_KEY = "feedback:figures:version"
# A write that sends no signal (a QuerySet.update() of a date, a raw statement) is seen after this long at most.
FIGURES_SECONDS = 600


def figures_version() -> int:
    """A number every write of what the figures count or show changes (feedback/signals.py)."""
    from django.core.cache import cache

    return cache.get_or_set(FIGURES_VERSION_KEY, 1, None)


def bump_figures_version() -> None:
    """What the figures are made of changed: at once, and again after the commit (a page computed between the two
    kept what was committed before)."""
    from django.core.cache import cache
    from django.db import transaction

    def bump():
        try:
            cache.incr(FIGURES_VERSION_KEY)
        except ValueError:
            cache.set(FIGURES_VERSION_KEY, 2, None)

    bump()
    transaction.on_commit(bump)


def figures_key(period: Period) -> str:
    """The cache key of the figures of `period` as they are now: the figures version, the reader's language and time
    zone (the labels and months depend on them), the period and tier. The page keys its rendered figures by it too."""
    return ":".join(("feedback:figures", str(figures_version()), get_language() or "-",
                     timezone.get_current_timezone_name(), period.month_from.isoformat(),
                     period.month_until.isoformat(), period.tier or "-"))


def dashboard_cached(*, period: Period, now=None, key: str | None = None) -> Figures:
    """`dashboard(period=…)`, kept in the cache under `figures_key(period)` (or `key`, its answer read before) for
    at most FIGURES_SECONDS; the open follow-ups' ages are counted to `now` on every read."""
    from django.core.cache import cache

    now = now or timezone.now()
    p = period
    key = key or figures_key(p)
    figures = cache.get(key)
    if figures is None:
        figures = dashboard(period=p, now=now)
        cache.set(key, figures, FIGURES_SECONDS)
        return figures
    figures.open_loops = [replace(loop, age_days=max(0, (now - loop.opened_at).days)) for loop in figures.open_loops]
    return figures


# --- the CSV export --------------------------------------------------------------------------------------------------

def month_label(month: dt.date) -> str:
    """A month in the reader's language and format ("March 2026", "Mart 2026", "2026年3月")."""
    return date_format(month, "YEAR_MONTH_FORMAT")


def thin_note(result: NpsResult) -> str:
    return _("n < 30: few answers") if result.thin else ""


def _blank(value):
    return "" if value is None else value


def figures_rows(figures: Figures) -> list[tuple]:
    """Every figure as (section, label, value, n, note) rows: the CSV export. An NPS never goes without its n."""
    rows = []
    o = figures.overall
    rows.append((_("NPS"), _("All answers"), _blank(o.nps), o.n, thin_note(o)))
    rows += [(_("NPS"), label, count, o.n, "") for label, count in (
        (pgettext("nps", "Promoters"), o.promoters), (pgettext("nps", "Passives"), o.passives),
        (pgettext("nps", "Detractors"), o.detractors))]
    sections = ((_("NPS by month"), [(month_label(row.key), row.result) for row in figures.by_month]),
                (_("NPS by tier"), [(row.label, row.result) for row in figures.by_tier]),
                (_("NPS by region"), [(row.label, row.result) for row in figures.by_region]),
                (_("NPS by sales agent"), [(row.label, row.result) for row in figures.by_agent]),
                (_("NPS by product family"), [(row.label, row.result) for row in figures.by_family]))
    for title, items in sections:
        rows += [(title, label, _blank(result.nps), result.n, thin_note(result)) for label, result in items]
    title = _("Response rate")
    rows += [(title, _("Invitations sent"), figures.invitations_sent, "", ""),
             (title, _("Answered"), figures.invitations_answered, "", ""),
             (title, _("Response rate (%)"), _blank(figures.response_rate), figures.invitations_sent, "")]
    title = _("Detractor follow-ups")
    rows += [(title, str(label), figures.loops.get(value, 0), "", "") for value, label in LoopStatus.choices]
    title = _("Open follow-ups")
    rows += [(title, f"{loop.dealer_code} {loop.dealer_name}".strip(), loop.score, "",
              " · ".join(filter(None, [loop.ticket_number, days_open(loop.age_days)]))) for loop in figures.open_loops]
    title = _("Reviews by product family")
    rows.append((title, _("All product families"), _blank(figures.reviews_average), figures.reviews_published,
                 _("%(n)s submitted") % {"n": figures.reviews_submitted}))
    rows += [(title, row.label, _blank(row.average), row.published, _("%(n)s submitted") % {"n": row.submitted})
             for row in figures.reviews_by_family]
    title = _("Support satisfaction")
    rows.append((title, _("All ratings"), _blank(figures.satisfaction.average), figures.satisfaction.n, ""))
    rows += [(title, month_label(month), _blank(one.average), one.n, "") for month, one in figures.satisfaction_by_month]
    return rows


def days_open(days: int) -> str:
    return ngettext("%(n)s day open", "%(n)s days open", days) % {"n": days}
