"""The "voice of the dealer" dashboard (`feedback:dashboard`, /feedback/dashboard/; issue 17 §5) for managers: active
staff holding `feedback.view_npsresponse` (superusers), a 404 for everyone else. Filters: whole months from … until
(default the last 12) and a dealer tier; `?format=csv` (or `feedback:dashboard_csv`) exports the same figures.
The figures come from feedback.reports (kept in the cache until what they count changes: dashboard_cached); the charts are SVG drawn here and in templates/feedback/_nps_*.html."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import csv

from .. import reports
from ..forms import DashboardFilterForm
from ..models import LOOP, LoopStatus
from ..permissions import may_move_loop, may_see_dashboard

# The monthly trend: one column per month, NPS −100 … 100 around a zero line, the month and n under it.
TREND_COLUMN = 44
TREND_LEFT = 34        # the gutter with 100 / 0 / −100
TREND_TOP = 14
TREND_SCALE = 0.8      # SVG units per NPS point: 160 units from −100 to 100
# The breakdowns: one row per group, a bar from the zero line to the NPS (left for negative), "NPS (n)" after it.
BAR_WIDTH = 380
BAR_LABEL = 120
BAR_ZERO = 215         # the zero line; ±100 reach ±90 units
BAR_SCALE = 0.9
BAR_ROW = 22


def trend_chart(rows) -> dict:
    zero = TREND_TOP + 100 * TREND_SCALE
    columns = []
    for i, row in enumerate(rows):
        nps, x = row.result.nps, TREND_LEFT + i * TREND_COLUMN
        height = round(abs(nps or 0) * TREND_SCALE, 1)
        top = zero - height if (nps or 0) >= 0 else zero
        columns.append({
            "label": reports.month_label(row.key), "short": date_format(row.key, "M y"),
            "nps": nps, "n": row.result.n, "thin": row.result.thin, "negative": (nps or 0) < 0,
            "x": x + 8, "width": TREND_COLUMN - 16, "y": round(top, 1), "height": height or 0.5,
            "centre": x + TREND_COLUMN // 2,
            "value_y": round(top - 3 if (nps or 0) >= 0 else zero + height + 11, 1)})
    bottom = TREND_TOP + 200 * TREND_SCALE
    return {"columns": columns, "width": TREND_LEFT + max(1, len(columns)) * TREND_COLUMN + 4,
            "height": bottom + 34, "zero": zero, "top": TREND_TOP, "bottom": bottom, "left": TREND_LEFT,
            "month_y": bottom + 14, "n_y": bottom + 28, "label_x": TREND_LEFT - 4}


def nps_bars(title, rows, *, element_id) -> dict:
    bars = []
    for i, row in enumerate(rows):
        nps = row.result.nps
        length = round(abs(nps or 0) * BAR_SCALE, 1)
        bars.append({"label": row.label, "nps": nps, "n": row.result.n, "thin": row.result.thin,
                     "negative": (nps or 0) < 0, "x": BAR_ZERO - length if (nps or 0) < 0 else BAR_ZERO,
                     "width": length or 0.5, "y": i * BAR_ROW + 3, "text_y": i * BAR_ROW + 15})
    return {"title": title, "id": element_id, "bars": bars, "width": BAR_WIDTH,
            "height": max(1, len(bars)) * BAR_ROW, "zero": BAR_ZERO, "value_x": BAR_ZERO + 100 * BAR_SCALE + 4}


def star_bars(rows) -> dict:
    """Average stars (0–5) of the published reviews by product family."""
    span = BAR_WIDTH - BAR_LABEL - 70
    bars = [{"label": row.label, "average": row.average, "published": row.published, "submitted": row.submitted,
             "y": i * BAR_ROW + 3, "text_y": i * BAR_ROW + 15,
             "width": round(span * float(row.average or 0) / 5, 1) or 0.5,
             "value_x": BAR_LABEL + round(span * float(row.average or 0) / 5, 1) + 4}
            for i, row in enumerate(rows)]
    return {"bars": bars, "width": BAR_WIDTH, "height": max(1, len(bars)) * BAR_ROW, "bar_x": BAR_LABEL}


def loop_moves(user, loops) -> tuple[bool, list]:
    """Whether the page offers moves, and [(open loop, [(status, label)])]: the moves through F2's
    `feedback:loop_move`, when it exists and the user may move follow-ups."""
    try:
        reverse("feedback:loop_move", args=[1])
        movable = may_move_loop(user)
    except NoReverseMatch:
        movable = False
    return movable, [(loop, [(target, LoopStatus(target).label) for target in LOOP.targets(loop.status)]
                             if movable else []) for loop in loops]


def csv_response(figures) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="voice-of-the-dealer-{timezone.localdate():%Y-%m-%d}.csv"')
    response.write("\ufeff")  # spreadsheets read UTF-8 (Turkish letters) with the BOM
    out = csv.writer(response)
    out.writerow([_("Section"), _("Figure"), _("Value"), "n", _("Note")])
    out.writerows(reports.figures_rows(figures))
    return response


@login_required
def dashboard(request, export=None):
    if not may_see_dashboard(request.user):
        raise Http404
    form = DashboardFilterForm(request.GET or None)
    period = form.cleaned_data["period"] if form.is_bound and form.is_valid() else reports.period()
    key = reports.figures_key(period)
    figures = reports.dashboard_cached(period=period, key=key)
    if export == "csv" or request.GET.get("format") == "csv":
        return csv_response(figures)
    query = request.GET.copy()
    query["format"] = "csv"
    breakdowns = [nps_bars(_("NPS by tier"), figures.by_tier, element_id="nps-by-tier"),
                  nps_bars(_("NPS by region"), figures.by_region, element_id="nps-by-region"),
                  nps_bars(_("NPS by sales agent"), figures.by_agent, element_id="nps-by-agent"),
                  nps_bars(_("NPS by product family"), figures.by_family, element_id="nps-by-family")]
    satisfaction = [{"label": reports.month_label(month), "n": one.n, "average": one.average}
                    for month, one in figures.satisfaction_by_month]
    movable, open_loops = loop_moves(request.user, figures.open_loops)
    return render(request, "feedback/dashboard.html", {
        "form": form, "f": figures, "figures_key": key, "figures_seconds": reports.FIGURES_SECONDS, "period_from": reports.month_label(period.month_from),
        "period_until": reports.month_label(period.month_until), "trend": trend_chart(figures.by_month),
        "breakdowns": breakdowns, "stars": star_bars(figures.reviews_by_family), "satisfaction": satisfaction,
        "moves": movable, "open_loops": open_loops,
        # The open follow-ups' rows are kept in the cache by their ages too (an age grows as the days pass).
        "loop_ages": ",".join(str(loop.age_days) for loop in figures.open_loops), "csv_query": query.urlencode(),
        "tier_label": reports.tier_label(period.tier) if period.tier else "",
        "thin_note": _("n < 30: few answers"),
        "loop_statuses": [(value, label, figures.loops.get(value, 0)) for value, label in LoopStatus.choices]})
