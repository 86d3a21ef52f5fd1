"""The NPS link on a phone (390 × 844) in a real Chromium, without logging in: the 0–10 scale fits without sideways
scrolling, 0 is selectable, a dealer answers 3 with a reason and a comment and sees the thank-you page; the
dealer's sales agent, whom the ticket the answer opened is assigned to, opens it from the mail's link and reads the
answer."""
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from feedback.models import NpsInvitation, NpsResponse
from feedback.services import nps
from support.testing import shipped

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_a_dealer_answers_from_the_mail_link_on_a_phone(live_server, browser, browser_log_in, actor, addresses, panel,
                                                        staff):
    import datetime

    from dealers.testing import AgentFactory

    sales_agent = AgentFactory(dealers=[actor.dealer], first_name="Deniz")
    shipment = shipped(actor, panel, staff, status="delivered")
    nps.invite_due(now=shipment.delivered_at + datetime.timedelta(days=7, minutes=1))
    invitation = NpsInvitation.objects.get()
    link = live_server.url + reverse("feedback:nps_answer", args=[nps.invitation_token(invitation)])
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        response = page.goto(link)
        assert response.status == 200
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        box = page.locator("label[for=id_score_0]").bounding_box()
        last = page.locator("label[for=id_score_10]").bounding_box()
        assert box["width"] >= 24 and last["x"] + last["width"] <= PHONE["width"]
        page.click("label[for=id_score_3]")
        page.check("input[name=reasons][value=delivery]")
        page.fill("textarea[name=comment]", "Two deliveries came late.")
        page.click("#send-nps")
        page.wait_for_selector("#nps-answered")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
    answer = NpsResponse.objects.get(invitation=invitation)
    assert (answer.score, answer.kind, answer.reasons) == (3, "detractor", ["delivery"])

    # The agent's side: the ticket the answer opened is the dealer's sales agent's, who follows the mail's link to
    # its desk page and finds the answer there.
    from portal.models import Notification

    ticket = answer.loop.ticket
    assert ticket.assignee == sales_agent
    mail = Notification.objects.get(recipient=sales_agent.email, template="support/ticket_opened")
    agent = browser_log_in(sales_agent)
    agent.goto(live_server.url + urlsplit(mail.context["ticket_url"]).path)  # the mail's link, on the test server
    assert agent.locator("h1").first.inner_text().startswith(ticket.number)
    conversation = agent.locator("#conversation").inner_text()
    assert "Two deliveries came late." in conversation and "3" in conversation
