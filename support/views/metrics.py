"""The support manager's metrics (`support:metrics`, /support/desk/metrics/): superusers and team leads only (a 404
for everyone else). Filters: opened between two dates, tier; `?format=csv` exports the same figures."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import csv

from ..forms import MetricsFilterForm
from ..permissions import may_see_metrics
from ..services import metrics_rows, support_metrics

CHART_WIDTH = 360   # the SVG's own units; it scales to the page (100 % wide)
LABEL_WIDTH = 130
ROW_HEIGHT = 22


def bar_chart(title, items) -> dict:
    """A horizontal bar chart drawn as SVG by templates/support/_bar_chart.html: one bar per (label, value)."""
    top = max((value for _label, value in items), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 40
    bars = [{"label": str(label), "value": value, "y": i * ROW_HEIGHT, "text_y": i * ROW_HEIGHT + 15,
             "width": round(span * value / top, 1), "value_x": LABEL_WIDTH + round(span * value / top, 1) + 4}
            for i, (label, value) in enumerate(items)]
    return {"title": title, "bars": bars, "height": max(1, len(bars)) * ROW_HEIGHT, "width": CHART_WIDTH,
            "label_width": LABEL_WIDTH, "bar_x": LABEL_WIDTH}


@login_required
def metrics(request):
    if not may_see_metrics(request.user):
        raise Http404
    form = MetricsFilterForm(request.GET or None)
    filters = (form.cleaned_data if form.is_valid() else getattr(form, "cleaned_data", {})) if form.is_bound else {}
    figures = support_metrics(opened_from=filters.get("opened_from"), opened_to=filters.get("opened_to"),
                              tier=filters.get("tier") or None)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="support-metrics-{timezone.localdate():%Y-%m-%d}.csv"')
        response.write("\ufeff")  # spreadsheets read UTF-8 (Turkish letters) with the BOM
        out = csv.writer(response)
        out.writerow([_("Section"), _("Figure"), _("Value")])
        out.writerows(metrics_rows(figures))
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    charts = [bar_chart(_("Backlog by age"), figures.backlog),
              bar_chart(_("By category"), figures.by_category),
              bar_chart(_("By tier"), figures.by_tier),
              bar_chart(_("By team"), figures.by_team),
              bar_chart(_("By agent"), figures.by_agent),
              bar_chart(_("Satisfaction ratings"),
                        [(f"{'★' * rating}", n) for rating, n in figures.satisfaction_distribution])]
    return render(request, "support/metrics.html", {
        "form": form, "m": figures, "charts": charts, "csv_query": query.urlencode()})
