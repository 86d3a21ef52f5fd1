"""NPS (issue 17 §1): who is invited after a delivery and when (time travel), the signed single-use link (page and
API), one answer per invitation under a parallel double submit, the mail in the user's language."""
import datetime
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import formats, timezone, translation

from dealers.testing import DealerUserFactory
from feedback.errors import NpsAlreadyAnswered
from feedback.models import NpsInvitation, NpsResponse, SurveySettings
from feedback.services import nps, survey
from feedback.tasks import invite_nps_task
from portal.models import Notification
from portal.outbox import render_notification
from portal.testing import run_together
from support.testing import open_as, shipped

DAY = datetime.timedelta(days=1)


def deliver(actor, product, staff):
    """A delivered shipment of `product` for the actor's dealer, delivered now (the test's clock)."""
    return shipped(actor, product, staff, status="delivered")


def invitations(dealer=None):
    rows = NpsInvitation.objects.all()
    return rows.filter(dealer=dealer) if dealer is not None else rows


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def start():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def delivered(actor, addresses, panel, staff, start):
    with at(start):
        return deliver(actor, panel, staff)


# --- when a dealer is asked --------------------------------------------------------------------------------------------

def test_delivered_seven_days_ago_invites_the_owner_and_six_days_does_not_yet(dealer, owner, delivered, start):
    with at(start + 6 * DAY):
        assert invite_nps_task() == 0
    assert not invitations().exists()
    with at(start + 7 * DAY):
        assert invite_nps_task() == 1
        invitation = invitations().get()
    assert invitation.user == owner and invitation.shipment == delivered and invitation.order == delivered.order
    assert invitation.sent_at == start + 7 * DAY
    assert invitation.expires_at == invitation.sent_at + 14 * DAY  # NPS_LINK_DAYS
    assert invitation.delivered_at == delivered.delivered_at
    mail = Notification.objects.get(template="feedback/nps_invitation")
    assert mail.recipient == owner.email
    assert nps.invitation_token(invitation) in mail.context["answer_url"]
    with at(start + 7 * DAY + datetime.timedelta(hours=1)):  # the next beat: nothing new
        assert invite_nps_task() == 0
    assert invitations().count() == 1


def test_a_delivery_of_long_ago_never_starts_a_survey(dealer, owner, delivered, start):
    with at(start + 30 * DAY):
        assert invite_nps_task() == 0


def test_the_invitation_keeps_tier_city_sales_agent_and_product_family(dealer, owner, agent, delivered, start, panel):
    dealer.tier, dealer.city = "gold", "İzmir"
    dealer.save(update_fields=["tier", "city"])
    with at(start + 7 * DAY):
        invite_nps_task()
    invitation = invitations().get()
    assert (invitation.tier, invitation.city, invitation.sales_agent) == ("gold", "İzmir", agent)
    root = int(panel.category.path.split("/")[0])
    assert invitation.product_family_id == root


def test_an_open_ticket_holds_the_invitation_until_it_is_resolved(dealer, owner, actor, delivered, start, staff):
    from support.models import TICKET

    with at(start + DAY):
        ticket = open_as(actor)
    with at(start + 7 * DAY):
        assert invite_nps_task() == 0
    with at(start + 8 * DAY):
        TICKET.move(ticket, to="resolved", actor=staff)
    with at(start + 9 * DAY):
        assert invite_nps_task() == 1


def test_an_open_return_holds_the_invitation(dealer, owner, actor, delivered, start):
    from orders.services.returns import request_return

    with at(start + DAY):
        request_return(actor=actor, line=delivered.order.lines.get(), quantity=1, reason="One panel is cracked.")
    with at(start + 7 * DAY):
        assert invite_nps_task() == 0
    assert not invitations().exists()


def test_once_per_window_a_second_delivery_30_days_later_is_not_asked_one_after_90_days_is(
        dealer, owner, actor, panel, staff, delivered, start):
    with at(start + 7 * DAY):
        assert invite_nps_task() == 1
    with at(start + 30 * DAY):
        deliver(actor, panel, staff)
    with at(start + 37 * DAY):
        assert invite_nps_task() == 0
    with at(start + 95 * DAY):
        later = deliver(actor, panel, staff)
    with at(start + 102 * DAY):
        assert invite_nps_task() == 1
    assert invitations().order_by("sent_at").last().shipment == later


def test_roles_from_the_settings_are_asked_besides_the_owner(dealer, owner, buyer, viewer, delivered, start):
    config = survey.settings()
    config.extra_roles = ["buyer"]
    config.save()
    DealerUserFactory(dealer=dealer, role="owner", is_active=False)  # a former owner is not asked
    with at(start + 7 * DAY):
        assert invite_nps_task() == 2
    assert {i.user for i in invitations()} == {owner, buyer}


def test_inactive_survey_or_a_dealer_not_approved_is_not_asked(dealer, owner, delivered, start):
    config = survey.settings()
    config.active = False
    config.save()
    with at(start + 7 * DAY):
        assert invite_nps_task() == 0
    config.active = True
    config.save()
    dealer.status = "suspended"
    dealer.save(update_fields=["status"])
    with at(start + 7 * DAY):
        assert invite_nps_task() == 0


def test_the_settings_row_is_made_from_the_nps_settings(db, settings):
    settings.NPS_DELAY_DAYS, settings.NPS_WINDOW_DAYS, settings.NPS_LINK_DAYS = 5, 60, 10
    SurveySettings.objects.all().delete()
    row = survey.settings()
    assert (row.pk, row.delay_days, row.window_days, row.link_days, row.active) == (1, 5, 60, 10, True)
    assert survey.settings().pk == 1 and SurveySettings.objects.count() == 1


def test_the_mail_is_in_the_users_language(dealer, delivered, start):
    turkish = DealerUserFactory(dealer=dealer, role="owner", language="tr")
    with at(start + 7 * DAY):
        invite_nps_task()
    invitation = invitations().get(user=turkish)
    assert invitation.language == "tr"
    mail = Notification.objects.get(template="feedback/nps_invitation", user=turkish)
    assert mail.language == "tr"
    subject, text, html = render_notification(mail)
    with translation.override("tr"):
        expiry = formats.date_format(timezone.localtime(invitation.expires_at), "SHORT_DATE_FORMAT")
    assert expiry in text and mail.context["answer_url"] in text and mail.context["answer_url"] in html
    assert subject


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_invite_each_recipient_once(dealer, owner, buyer, actor, addresses, panel, staff):
    start = timezone.now()
    deliver(actor, panel, staff)
    config = survey.settings()
    config.extra_roles = ["buyer"]
    config.save()
    later = start + 7 * DAY + datetime.timedelta(minutes=1)
    outcomes = run_together([lambda: nps.invite_due(now=later), lambda: nps.invite_due(now=later)])
    assert sorted(outcomes) == [0, 2]
    assert invitations().count() == 2
    assert Notification.objects.filter(template="feedback/nps_invitation").count() == 2


# --- the link ----------------------------------------------------------------------------------------------------------

@pytest.fixture
def invitation(dealer, owner, delivered, start):
    with at(start + 7 * DAY):
        invite_nps_task()
    return invitations().get()


def url_of(invitation):
    return reverse("feedback:nps_answer", args=[nps.invitation_token(invitation)])


def test_the_page_needs_no_login_shows_0_to_10_and_marks_opened(client, invitation, start):
    with at(start + 8 * DAY):
        page = client.get(url_of(invitation))
    assert page.status_code == 200
    body = page.content.decode()
    assert "How likely are you to recommend us to a colleague?" in body
    assert 'value="0"' in body and 'value="10"' in body and 'value="11"' not in body
    assert "Not at all likely" in body and "Extremely likely" in body
    assert "css/feedback.css" in body and 'style="' not in body
    invitation.refresh_from_db()
    assert invitation.opened_at == start + 8 * DAY
    with at(start + 9 * DAY):
        client.get(url_of(invitation))
    invitation.refresh_from_db()
    assert invitation.opened_at == start + 8 * DAY  # the first view


def test_answering_stores_one_response_and_a_second_visit_says_it_was_answered(client, invitation, start):
    with at(start + 8 * DAY):
        sent = client.post(url_of(invitation), {"score": "0", "comment": "Late twice.", "reasons": ["delivery"]})
    assert sent.status_code == 302
    response = NpsResponse.objects.get(invitation=invitation)
    assert (response.score, response.kind, response.comment, response.reasons) == (0, "detractor", "Late twice.",
                                                                                   ["delivery"])
    thanks = client.get(url_of(invitation))
    assert thanks.status_code == 200 and "has been answered" in thanks.content.decode()
    again = client.post(url_of(invitation), {"score": "10"})
    assert again.status_code == 200 and "has been answered" in again.content.decode()
    assert NpsResponse.objects.get(invitation=invitation).score == 0


@pytest.mark.parametrize("data", [{}, {"score": "11"}, {"score": "-1"}, {"score": "nine"}, {"score": "9.5"},
                                  {"score": "99999999999999999999"}, {"score": "7", "reasons": ["bribe"]},
                                  {"score": "7", "comment": "x" * 2001}])
def test_bad_answers_are_refused_clearly_and_nothing_is_stored(client, invitation, start, data):
    with at(start + 8 * DAY):
        page = client.post(url_of(invitation), data)
    assert page.status_code == 400
    assert "errorlist" in page.content.decode()
    assert not NpsResponse.objects.exists()


def test_an_expired_link_says_so(client, invitation):
    with at(invitation.expires_at + datetime.timedelta(seconds=1)):
        page = client.get(url_of(invitation))
        posted = client.post(url_of(invitation), {"score": "9"})
    assert page.status_code == 410 and "expired" in page.content.decode()
    assert posted.status_code == 410
    assert not NpsResponse.objects.exists()


def test_a_forged_or_damaged_token_is_a_404(client, invitation):
    from django.core import signing

    token = nps.invitation_token(invitation)
    assert client.get(reverse("feedback:nps_answer", args=[token[:-2] + "xx"])).status_code == 404
    other_salt = signing.Signer(salt="support.rate").sign_object(invitation.pk)
    assert client.get(reverse("feedback:nps_answer", args=[other_salt])).status_code == 404
    assert client.get(reverse("feedback:nps_answer", args=["junk"])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_parallel_double_submit_stores_one_response(dealer, owner, actor, addresses, panel, staff):
    shipment = deliver(actor, panel, staff)
    nps.invite_due(now=shipment.delivered_at + 7 * DAY)
    invitation = NpsInvitation.objects.get(shipment=shipment)

    def submit(value):
        return lambda: nps.answer(invitation=NpsInvitation.objects.get(pk=invitation.pk), score=value)

    outcomes = run_together([submit(10), submit(9)])
    assert NpsResponse.objects.filter(invitation=invitation).count() == 1
    assert sum(isinstance(o, NpsResponse) for o in outcomes) == 1
    assert sum(isinstance(o, NpsAlreadyAnswered) for o in outcomes) == 1


def test_the_page_speaks_the_invitations_language(client, dealer, delivered, start):
    DealerUserFactory(dealer=dealer, role="owner", language="tr")
    with at(start + 7 * DAY):
        invite_nps_task()
    invitation = invitations().get(language="tr")
    with at(start + 8 * DAY):
        page = client.get(url_of(invitation))
    assert 'lang="tr"' in page.content.decode()


# --- the API -----------------------------------------------------------------------------------------------------------

def api_url(invitation_or_token):
    token = invitation_or_token if isinstance(invitation_or_token, str) else nps.invitation_token(invitation_or_token)
    return reverse("api:nps-answer", args=[token])


def test_the_api_shows_the_question_and_takes_one_answer(invitation, start):
    from rest_framework.test import APIClient

    client = APIClient()
    with at(start + 8 * DAY):
        shown = client.get(api_url(invitation))
        assert shown.status_code == 200
        assert shown.json()["state"] == "open" and shown.json()["answer"] is None
        assert shown.json()["scale_min"] == 0 and shown.json()["scale_max"] == 10
        sent = client.post(api_url(invitation), {"score": 7, "reasons": ["price"], "comment": "Fine."}, format="json")
        assert sent.status_code == 201, sent.content
        assert sent.json()["state"] == "answered"
        assert sent.json()["answer"]["kind"] == "passive" and sent.json()["answer"]["reasons"] == ["price"]
        again = client.post(api_url(invitation), {"score": 10}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "feedback.nps_already_answered"
    assert NpsResponse.objects.get().score == 7


@pytest.mark.parametrize("body", [{"score": True}, {"score": 9.5}, {"score": 11}, {"score": None}, {},
                                  {"score": 5, "reasons": "price"}, {"score": 5, "comment": "a\u0000b"}, [5]])
def test_the_api_refuses_bad_answers_with_400(invitation, start, body):
    from rest_framework.test import APIClient

    with at(start + 8 * DAY):
        sent = APIClient().post(api_url(invitation), json.dumps(body), content_type="application/json")
    assert sent.status_code == 400, sent.content
    assert sent.json()["code"] in ("feedback.nps_invalid", "invalid", "invalid_characters", "parse_error")
    assert not NpsResponse.objects.exists()


def test_the_api_answers_410_when_expired_and_404_for_a_forged_token(invitation):
    from rest_framework.test import APIClient

    client = APIClient()
    with at(invitation.expires_at + DAY):
        assert client.get(api_url(invitation)).json()["state"] == "expired"
        gone = client.post(api_url(invitation), {"score": 9}, format="json")
    assert gone.status_code == 410 and gone.json()["code"] == "feedback.nps_link_expired"
    assert client.get(api_url("forged:token")).status_code == 404


# --- the admin ---------------------------------------------------------------------------------------------------------

def test_the_admin_edits_the_one_settings_row_and_lists_invitations_and_answers_read_only(staff_client, invitation,
                                                                                          start):
    listing = staff_client.get(reverse("admin:feedback_surveysettings_changelist"))
    assert listing.status_code == 302 and listing.url == reverse("admin:feedback_surveysettings_change", args=[1])
    assert staff_client.get(reverse("admin:feedback_surveysettings_add")).status_code == 403
    assert staff_client.get(reverse("admin:feedback_surveysettings_delete", args=[1])).status_code == 403
    saved = staff_client.post(reverse("admin:feedback_surveysettings_change", args=[1]), {
        "active": "on", "delay_days": "5", "window_days": "60", "link_days": "10", "extra_roles": ["buyer"],
        "reward_percent": "2", "reward_days": "30"})
    assert saved.status_code == 302
    config = survey.settings()
    assert (config.delay_days, config.window_days, config.extra_roles) == (5, 60, ["buyer"])
    refused = staff_client.post(reverse("admin:feedback_surveysettings_change", args=[1]), {
        "delay_days": "0", "window_days": "60", "link_days": "10", "extra_roles": ["owner"],
        "reward_percent": "50", "reward_days": "30"})
    assert refused.status_code == 200 and survey.settings().delay_days == 5
    with at(start + 8 * DAY):
        nps.answer(invitation=invitation, score=9)
    for name in ("npsinvitation", "npsresponse"):
        page = staff_client.get(reverse(f"admin:feedback_{name}_changelist"), {"q": invitation.dealer.legal_name})
        assert page.status_code == 200 and str(invitation.dealer) in page.content.decode()
    kinds = staff_client.get(reverse("admin:feedback_npsresponse_changelist"), {"kind__exact": "detractor"})
    assert "0 NPS responses" in kinds.content.decode() or "0 results" in kinds.content.decode()
    assert staff_client.get(reverse("admin:feedback_npsresponse_add")).status_code == 403
