"""The NPS answer through the REST API (issue 17 §1): GET /api/v1/nps/{token}/ (the question, the reason tags and
the invitation's state: open, answered or expired, with the answer once given) and POST /api/v1/nps/{token}/ (0–10,
a comment, reason tags; once). No authentication: the signed token of the invitation mail is the credential; a
forged token is a 404 and counts as a failed authentication of the caller's address (past the rate: 429); the
anonymous throttle applies. Texts are in the invitation's language. The same services as the page."""
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dealers.api.common import CONFLICT, INVALID, NOT_FOUND, ErrorSerializer
from portal.api_auth import FailedAuthThrottle

from ..errors import NpsInvalid
from ..models import NpsReason, NpsResponse
from ..services import nps

GONE = OpenApiResponse(ErrorSerializer, description="The link has expired (`feedback.nps_link_expired`).")


class NpsReasonSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class NpsAnswerOutSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="0–10.")
    kind = serializers.ChoiceField(choices=["promoter", "passive", "detractor"],
                                   help_text="9–10 promoter, 7–8 passive, 0–6 detractor.")
    comment = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    responded_at = serializers.DateTimeField()


class NpsSurveySerializer(serializers.Serializer):
    question = serializers.CharField()
    state = serializers.ChoiceField(choices=["open", "answered", "expired"],
                                    help_text="open: may be answered; answered: once only; expired: past expires_at.")
    expires_at = serializers.DateTimeField()
    scale_min = serializers.IntegerField(help_text="0 (0 is selectable).")
    scale_max = serializers.IntegerField(help_text="10.")
    low_label = serializers.CharField()
    high_label = serializers.CharField()
    reasons = NpsReasonSerializer(many=True, help_text="Optional reason tags to choose from.")
    language = serializers.CharField(help_text="The language of the texts (the invited user's).")
    answer = NpsAnswerOutSerializer(allow_null=True, help_text="The answer once given; else null.")


class NpsAnswerInSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=10, help_text="0–10, a whole number.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=NpsReason.values), required=False,
                                    help_text="Reason tags (values of `reasons` in the GET).")


def _answer_data(response):
    if response is None:
        return None
    return {"score": response.score, "kind": response.kind, "comment": response.comment,
            "reasons": list(response.reasons or []), "responded_at": response.responded_at}


def _survey(invitation):
    return {
        "question": _("How likely are you to recommend us to a colleague?"),
        "state": nps.link_state(invitation), "expires_at": invitation.expires_at, "scale_min": 0, "scale_max": 10,
        "low_label": _("Not at all likely"), "high_label": _("Extremely likely"),
        "reasons": [{"value": value, "label": str(label)} for value, label in NpsReason.choices],
        "language": translation.get_language(),
        "answer": _answer_data(NpsResponse.objects.filter(invitation_id=invitation.pk).first()),
    }


class NpsAnswerView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def _invitation(self, request, token):
        throttle = FailedAuthThrottle()
        throttle.refuse_if_blocked(request)
        invitation = nps.invitation_of_token(token)
        if invitation is None:
            wait = throttle.record_failure(request)
            if wait is not None:
                from rest_framework.exceptions import Throttled

                raise Throttled(wait)
            raise NotFound(_("No such survey link."))
        return invitation

    @extend_schema(operation_id="nps_survey", description="The NPS question of an invitation mail's link, its "
                   "reason tags and the link's state (with the answer once given). No authentication: the token "
                   "is the credential. Viewing it counts as the link opened.",
                   auth=[], responses={200: NpsSurveySerializer, 404: NOT_FOUND})
    def get(self, request, token):
        invitation = self._invitation(request, token)
        with translation.override(invitation.language or None):
            if nps.link_state(invitation) == "open":
                nps.mark_opened(invitation)
            return Response(NpsSurveySerializer(_survey(invitation)).data)

    @extend_schema(operation_id="nps_answer", description="Answer the NPS question once: `score` 0–10, an optional "
                   "`comment` and reason tags. 201 with the survey and its answer. Refusals: 400 "
                   "`feedback.nps_invalid`, 409 `feedback.nps_already_answered` (also the second of two parallel "
                   "submits), 410 `feedback.nps_link_expired`.",
                   auth=[], request=NpsAnswerInSerializer,
                   responses={201: NpsSurveySerializer, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT, 410: GONE})
    def post(self, request, token):
        invitation = self._invitation(request, token)
        with translation.override(invitation.language or None):
            data = request.data
            if not hasattr(data, "get"):
                raise NpsInvalid(_("Send an object with score, comment and reasons."))
            if "score" not in data:
                raise NpsInvalid(_("Choose a score from 0 to 10."), field="score")
            reasons = data.getlist("reasons") if hasattr(data, "getlist") else data.get("reasons", ())
            nps.answer(invitation=invitation, score=data.get("score"), comment=data.get("comment", ""),
                       reasons=reasons)
            return Response(NpsSurveySerializer(_survey(invitation)).data, status=status.HTTP_201_CREATED)
