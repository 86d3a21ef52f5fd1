"""Issue 15 end to end in a real Chromium: a dealer reports a problem on an order line with a photo; a support agent
opens it on the desk, adds an internal note and answers with a canned reply filled in the dealer's language (Turkish);
the dealer sees the answer (never the note) on the ticket page and replies there; the agent resolves it; the dealer
rates it 1–5 with a comment, and the rating shows on the dealer's ticket page and on the desk."""
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from catalog.testing import png_bytes
from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory, StaffFactory, UserFactory
from orders.testing import actor_of, priced, with_addresses
from portal.testing import log_in
from pricing.testing import PriceListFactory
from shipping.testing import confirmed_order
from support.models import CannedReply, Satisfaction, Ticket
from support.permissions import SUPPORT_AGENTS_GROUP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "INTERNAL: dealer is on credit hold, do not promise a date"


def _no_secret(page):
    assert "INTERNAL" not in page.content() and "credit hold" not in page.content()


def test_a_dealer_reports_a_problem_an_agent_answers_with_a_canned_reply_it_is_resolved_and_rated(
        live_server, browser, tmp_path):
    dealer = with_addresses(DealerFactory(legal_name="Karaosmanoğlu Elektrik Ltd. Şti."))
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="ayse@journey.example.com", first_name="Ayşe",
                              last_name="Karaosmanoğlu", language="tr")
    staff = StaffFactory(email="satis@portal.example.com")
    agent = UserFactory(is_staff=True, email="deniz@portal.example.com", first_name="Deniz", last_name="Destek")
    agent.groups.add(Group.objects.get(name=SUPPORT_AGENTS_GROUP))
    CannedReply.objects.create(
        title="Replacement on its way", category="order",
        body_en="Dear {first_name}, a replacement for {order} leaves today. {agent}",
        body_tr="Sayın {first_name}, {order} için yenisi bugün yola çıkıyor. {agent}")
    panel = priced(PriceListFactory(kind="market"), "1250.00", sku="LED-600", name="LED panel 60x60")
    order = confirmed_order(actor_of(owner), panel, 5, staff=staff)
    line = order.lines.get()
    photo = tmp_path / "cracked-panel.png"
    photo.write_bytes(png_bytes((64, 48)))
    base = live_server.url

    # 1. The dealer (Turkish) reports a problem on the order line, with a photo.
    dealer_page = browser.new_context(locale="tr-TR", viewport={"width": 1280, "height": 900}).new_page()
    log_in(dealer_page, base, owner.email, PASSWORD, dealer.code)
    dealer_page.goto(f"{base}/orders/{order.number}/")
    with dealer_page.expect_navigation():
        dealer_page.locator("a.report-problem").first.click()
    assert re.search(rf"/support/new/\?order={order.number}&line={line.pk}$", dealer_page.url)
    links = dealer_page.inner_text("#ticket-links")
    assert order.number in links and "LED-600" in links and "LED panel 60x60" in links
    assert dealer_page.input_value("#id_category") == "order"
    assert order.number in dealer_page.input_value("#id_subject")
    dealer_page.fill("#id_subject", "Cracked panel in the delivery")
    dealer_page.select_option("#id_urgency", "high")
    dealer_page.fill("#id_body", "One LED panel arrived cracked, photo attached.")
    dealer_page.set_input_files("#id_attachments", str(photo))
    with dealer_page.expect_navigation():
        dealer_page.click("#new-ticket-form button[type=submit]")
    ticket = Ticket.objects.get()
    assert dealer_page.url == f"{base}/support/{ticket.number}/"
    assert ticket.order_line == line and ticket.urgency == "high"
    assert ticket.number in dealer_page.inner_text("body")
    assert order.number in dealer_page.inner_text("#ticket-links")
    conversation = dealer_page.inner_text("#conversation")
    assert "One LED panel arrived cracked" in conversation and "cracked-panel.png" in conversation
    # The photo is served back to the dealer as the image it sent.
    href = dealer_page.locator("#conversation a", has_text="cracked-panel.png").get_attribute("href")
    answer = dealer_page.request.get(base + href)
    assert answer.status == 200 and answer.body() == photo.read_bytes()

    # 2. A support agent finds it on the desk, adds an internal note and answers with the canned reply, which the
    # picker fills in the dealer's language with its placeholders.
    desk = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900}).new_page()
    log_in(desk, base, agent.email, PASSWORD)
    desk.goto(f"{base}/support/desk/?queue=unassigned")
    with desk.expect_navigation():
        desk.locator("a", has_text=ticket.number).first.click()
    assert desk.url == f"{base}/support/desk/{ticket.number}/"
    assert "One LED panel arrived cracked" in desk.inner_text("#conversation")
    assert "cracked-panel.png" in desk.inner_text("#conversation")
    assert "LED-600" in desk.inner_text(".desk-about")
    desk.fill("#note-form textarea", SECRET)
    with desk.expect_navigation():
        desk.click("#note-form button[type=submit]")
    note = desk.locator("#conversation li.is-note")
    assert note.count() == 1 and "credit hold" in note.inner_text() and "Internal note" in note.inner_text()

    desk.select_option("#id_canned", label="Replacement on its way")
    expect(desk.locator("#reply-form #id_body")).to_have_value(re.compile("Sayın"))
    filled = desk.input_value("#reply-form #id_body")
    assert filled == f"Sayın Ayşe, {order.number} için yenisi bugün yola çıkıyor. Deniz Destek"
    desk.select_option("#id_then", "waiting_on_dealer")
    with desk.expect_navigation():
        desk.click("#reply-form button[type=submit]")
    assert "Reply sent to the dealer." in desk.inner_text("body")
    assert desk.inner_text(".desk-meta .ticket-status") == "Waiting on dealer"
    ticket.refresh_from_db()
    assert ticket.status == "waiting_on_dealer" and ticket.first_responded_at is not None

    # 3. The dealer sees the answer on the ticket page (not the note) and replies there.
    dealer_page.reload()
    conversation = dealer_page.inner_text("#conversation")
    assert filled in conversation and "Deniz Destek" in conversation
    _no_secret(dealer_page)
    assert dealer_page.locator("#ticket-status.status-waiting_on_dealer").count() == 1
    dealer_page.fill("#reply-form textarea", "Thank you, we will keep the cracked one for your courier.")
    with dealer_page.expect_navigation():
        dealer_page.click("#reply-form button[type=submit]")
    assert "we will keep the cracked one" in dealer_page.inner_text("#conversation")
    _no_secret(dealer_page)
    ticket.refresh_from_db()
    assert ticket.status == "open"

    # 4. The agent sees the reply and resolves the ticket.
    desk.reload()
    assert "we will keep the cracked one" in desk.inner_text("#conversation")
    assert desk.inner_text(".desk-meta .ticket-status") == "Open"
    with desk.expect_navigation():
        desk.click("#moves button[data-to=resolved]")
    assert desk.inner_text(".desk-meta .ticket-status") == "Resolved"
    assert "Waiting on dealer → Open" in desk.inner_text("body") and "Waiting on you" not in desk.inner_text("body")
    assert "Satisfaction asked, not rated yet." in desk.inner_text("body")

    # 5. The dealer rates it from the ticket page: 4 of 5 with a comment; the rating shows on the ticket.
    dealer_page.reload()
    assert dealer_page.locator("#ticket-status.status-resolved").count() == 1
    with dealer_page.expect_navigation():
        dealer_page.click(".ticket-satisfaction a")
    assert dealer_page.url == f"{base}/support/{ticket.number}/rate/"
    dealer_page.check("#rate-form input[name=rating][value='4']")
    dealer_page.fill("#rate-form textarea", "Quick and friendly, the courier came a day late.")
    with dealer_page.expect_navigation():
        dealer_page.click("#send-rating")
    assert dealer_page.locator("#rating-given .ticket-satisfaction[data-rating='4']").count() == 1
    rating = Satisfaction.objects.get(ticket=ticket)
    assert rating.rating == 4 and rating.rated_by == owner
    dealer_page.goto(f"{base}/support/{ticket.number}/")
    shown = dealer_page.locator(".ticket-satisfaction[data-rating='4']")
    assert "★★★★☆" in shown.inner_text() and "the courier came a day late" in shown.inner_text()
    assert dealer_page.locator(".ticket-satisfaction a").count() == 0  # rated once: no Rate button any more
    _no_secret(dealer_page)

    # ... and on the desk.
    desk.reload()
    shown = desk.locator(".ticket-satisfaction[data-rating='4']")
    assert "4 out of 5" in shown.inner_text() and "the courier came a day late" in shown.inner_text()
    assert "Ayşe Karaosmanoğlu" in shown.inner_text()
    desk.context.close()
    dealer_page.context.close()
