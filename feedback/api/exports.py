"""Staff exports of feedback (issue 17, API): `GET /api/v1/feedback/responses/` (the NPS answers, paginated, newest
first) and `GET /api/v1/feedback/summary/` (the "voice of the dealer" dashboard's figures as JSON).

Who: a staff user's token with scope `feedback:read` (its user holds feedback.view_npsresponse), or staff holding
that permission in a session. Filters as on the dashboard: `from` and `until` months (YYYY-MM, default the last 12
months), `tier`; a bad one is a 400 `feedback.bad_period`. Every NPS comes from feedback.services.nps.score with its n
and the thin flag (n < 30)."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from dealers.api.common import FORBIDDEN, INVALID
from portal.api_auth import HasScope
from portal.models import ApiToken

from .. import reports
from ..errors import BadPeriod
from ..models import NpsKind

FEEDBACK_READ = ApiToken.Scope.FEEDBACK_READ
PERMISSION = "feedback.view_npsresponse"
FILTERS = [
    OpenApiParameter("from", str, description="The first month, YYYY-MM (default: 11 months before `until`)."),
    OpenApiParameter("until", str, description="The last month, YYYY-MM, included (default: this month)."),
    OpenApiParameter("tier", str, description="Only this dealer tier (its value, e.g. `gold`; at the time of the "
                                              "invitation)."),
]


def period_of(request) -> reports.Period:
    params = request.query_params
    try:
        return reports.period(month_from=params.get("from"), month_until=params.get("until"),
                              tier=params.get("tier") or "")
    except reports.PeriodError as exc:
        raise BadPeriod(exc.message, field=exc.field) from None


# --- output ----------------------------------------------------------------------------------------------------------

class ResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.IntegerField(help_text="0–10.")
    kind = serializers.ChoiceField(choices=NpsKind.choices, help_text="promoter (9–10), passive (7–8), "
                                                                      "detractor (0–6).")
    comment = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Reason tags (feedback.NpsReason).")
    dealer = serializers.CharField(source="dealer.code", allow_null=True, help_text="The dealer's code.")
    tier = serializers.CharField(source="invitation.tier", help_text="The dealer's tier when it was invited.")
    city = serializers.CharField(source="invitation.city", help_text="The dealer's city when it was invited.")
    sales_agent = serializers.SerializerMethodField(help_text="The sales agent's e-mail when it was invited.")
    product_family = serializers.SerializerMethodField(help_text="The delivered order's product family.")
    responded_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(source="invitation.sent_at", help_text="When the invitation was sent.")

    def get_sales_agent(self, response) -> str | None:
        agent = response.invitation.sales_agent
        return agent.email if agent else None

    def get_product_family(self, response) -> str | None:
        family = response.invitation.product_family
        return family.name if family else None


class NpsSerializer(serializers.Serializer):
    nps = serializers.IntegerField(allow_null=True, help_text="−100 … 100; null without answers.")
    n = serializers.IntegerField(help_text="How many answers the score is of.")
    thin = serializers.BooleanField(help_text="n < 30: few answers, read the score with care.")
    promoters = serializers.IntegerField()
    passives = serializers.IntegerField()
    detractors = serializers.IntegerField()


class NpsGroupSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="What the group is: a month (YYYY-MM), a tier value, a "
                                                           "city, a sales agent's or a category's id.")
    label = serializers.CharField()
    nps = NpsSerializer()


class LoopSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    dealer = serializers.CharField(source="dealer_code")
    score = serializers.IntegerField()
    ticket = serializers.CharField(source="ticket_number", allow_null=True)
    opened_at = serializers.DateTimeField()
    age_days = serializers.IntegerField()


class FamilyReviewsSerializer(serializers.Serializer):
    family = serializers.IntegerField(source="family_id", allow_null=True, help_text="The top-level category's id.")
    label = serializers.CharField()
    submitted = serializers.IntegerField()
    published = serializers.IntegerField()
    average_stars = serializers.DecimalField(source="average", max_digits=3, decimal_places=2, allow_null=True,
                                             help_text="Of the published reviews.")


class SatisfactionSerializer(serializers.Serializer):
    month = serializers.CharField(allow_null=True)
    n = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True, help_text="1–5.")


class SummarySerializer(serializers.Serializer):
    month_from = serializers.CharField(help_text="YYYY-MM.")
    month_until = serializers.CharField(help_text="YYYY-MM.")
    tier = serializers.CharField(help_text="\"\" for all tiers.")
    nps = NpsSerializer()
    by_month = NpsGroupSerializer(many=True)
    by_tier = NpsGroupSerializer(many=True)
    by_region = NpsGroupSerializer(many=True)
    by_sales_agent = NpsGroupSerializer(many=True)
    by_product_family = NpsGroupSerializer(many=True)
    invitations_sent = serializers.IntegerField()
    invitations_answered = serializers.IntegerField()
    response_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, help_text="Percent.")
    loops = serializers.DictField(child=serializers.IntegerField(), help_text="Detractor follow-ups of the period's "
                                                                              "answers by status.")
    open_loops = LoopSerializer(many=True, help_text="The oldest open follow-ups (at most 100).")
    reviews_submitted = serializers.IntegerField()
    reviews_published = serializers.IntegerField()
    reviews_average_stars = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    reviews_by_product_family = FamilyReviewsSerializer(many=True)
    support_satisfaction = SatisfactionSerializer()
    support_satisfaction_by_month = SatisfactionSerializer(many=True)


def _nps(result) -> dict:
    return {"nps": result.nps, "n": result.n, "thin": result.thin, "promoters": result.promoters,
            "passives": result.passives, "detractors": result.detractors}


def _groups(rows) -> list[dict]:
    return [{"key": None if row.key in (None, "") else str(row.key)[:7] if hasattr(row.key, "isoformat")
             else str(row.key), "label": row.label, "nps": _nps(row.result)} for row in rows]


def summary_data(figures) -> dict:
    p = figures.period
    return {
        "month_from": p.month_from.isoformat()[:7], "month_until": p.month_until.isoformat()[:7], "tier": p.tier,
        "nps": _nps(figures.overall), "by_month": _groups(figures.by_month), "by_tier": _groups(figures.by_tier),
        "by_region": _groups(figures.by_region), "by_sales_agent": _groups(figures.by_agent),
        "by_product_family": _groups(figures.by_family), "invitations_sent": figures.invitations_sent,
        "invitations_answered": figures.invitations_answered, "response_rate": figures.response_rate,
        "loops": figures.loops, "open_loops": figures.open_loops,
        "reviews_submitted": figures.reviews_submitted, "reviews_published": figures.reviews_published,
        "reviews_average_stars": figures.reviews_average, "reviews_by_product_family": figures.reviews_by_family,
        "support_satisfaction": {"month": None, "n": figures.satisfaction.n, "average": figures.satisfaction.average},
        "support_satisfaction_by_month": [{"month": month.isoformat()[:7], "n": one.n, "average": one.average}
                                          for month, one in figures.satisfaction_by_month],
    }


# --- views -----------------------------------------------------------------------------------------------------------

class StaffExportView(APIView):
    permission_classes = [HasScope(FEEDBACK_READ, session_perm=PERMISSION)]


class ResponseListView(StaffExportView):
    pagination_class = PageNumberPagination  # the schema's page shape

    @extend_schema(description="The NPS answers given in the period (of the tier's invitations), newest first, with "
                               "the invitation's snapshots (tier, city, sales agent, product family). Scope "
                               "`feedback:read`. 400 `feedback.bad_period` for an unreadable month, `from` after "
                               "`until`, more than 120 months or an unknown tier.",
                   parameters=FILTERS, responses={200: ResponseSerializer(many=True), 400: INVALID, 403: FORBIDDEN})
    def get(self, request):
        rows = reports.list_responses(period=period_of(request))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(ResponseSerializer(page, many=True).data)


class SummaryView(StaffExportView):
    @extend_schema(description="The voice-of-the-dealer dashboard's figures for the period: NPS overall and by month, "
                               "tier, region, sales agent and product family (each with n and the thin flag, "
                               "n < 30), response rate, detractor follow-ups, reviews by product family, support "
                               "satisfaction. Scope `feedback:read`. 400 `feedback.bad_period` as for the answers.",
                   parameters=FILTERS, responses={200: SummarySerializer, 400: INVALID, 403: FORBIDDEN})
    def get(self, request):
        figures = reports.dashboard(period=period_of(request))
        return Response(SummarySerializer(summary_data(figures)).data)
