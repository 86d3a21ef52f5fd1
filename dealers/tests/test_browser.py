"""Journeys of dealers in a real Chromium: apply → approval in the admin → log in with the code → invite a
colleague who logs in; an agent acts for a dealer; a suspended dealer's user sees where it stands."""
import re

import pytest

from dealers.models import Dealer
from dealers.testing import PASSWORD, AgentFactory, DealerFactory, DealerUserFactory, StaffFactory, TermsFactory
from portal.models import Notification
from portal.testing import log_in, log_out

from .test_services import PDF, PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_get_approved_log_in_with_code_and_invite_a_buyer(live_server, page, tmp_path):
    TermsFactory(title="Terms v1", body="Prices are confidential.")
    staff = StaffFactory(email="admin@example.com")
    base = live_server.url
    (tmp_path / "imza.pdf").write_bytes(PDF)
    (tmp_path / "vergi.png").write_bytes(PNG)
    (tmp_path / "form.pdf").write_bytes(PDF)

    # 1. A business applies with its documents.
    page.goto(base + "/")
    page.get_by_role("link", name="Apply as a dealer").first.click()
    fields = {
        "legal_name": "Marmara Aydınlatma Ltd. Şti.", "tax_office": "Beşiktaş", "tax_number": "4455667788",
        "phone": "+90 212 444 44 44", "email": "info@marmara.example.com", "address_line": "Barbaros Blv. 10",
        "city": "İstanbul", "contact_first_name": "Elif", "contact_last_name": "Demir",
        "contact_email": "elif@marmara.example.com", "contact_phone": "+90 532 000 00 00",
        "password": "Marmara-Strong-2026", "password_again": "Marmara-Strong-2026",
    }
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.set_input_files("#id_document_signature_circular", str(tmp_path / "imza.pdf"))
    page.set_input_files("#id_document_tax_certificate", str(tmp_path / "vergi.png"))
    page.set_input_files("#id_document_application_form", str(tmp_path / "form.pdf"))
    page.check("#id_accept_terms")
    page.click("#application-form button[type=submit]")
    page.get_by_text("Thank you, your application has been received").wait_for()
    dealer = Dealer.objects.get(tax_number="4455667788")
    assert dealer.status == Dealer.Status.APPLIED

    # 2. Staff approve it in the Django admin.
    page.goto(base + "/admin/login/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(base + f"/admin/dealers/dealer/{dealer.pk}/change/")
    page.get_by_role("link", name=re.compile("^Approve$")).first.click()
    page.click("#content-main form input[type=submit]")  # the shared confirmation page (StatusMovesAdmin)
    page.wait_for_load_state()
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.APPROVED and dealer.code

    # 3. The mail with the dealer code is in the outbox.
    mail = Notification.objects.get(template="dealers/dealer_approved")
    assert mail.recipient == "elif@marmara.example.com" and mail.context["dealer_code"] == dealer.code
    page.context.clear_cookies()

    # 4. The owner logs in with the code and invites a buyer.
    log_in(page, base, "elif@marmara.example.com", "Marmara-Strong-2026", dealer.code)
    page.goto(base + "/account/users/")
    page.get_by_role("link", name="Invite a colleague").click()
    page.fill("#id_first_name", "Can")
    page.fill("#id_last_name", "Öztürk")
    page.fill("#id_email", "can@marmara.example.com")
    page.select_option("#id_role", "buyer")
    page.fill("#id_order_limit", "2500")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to can@marmara.example.com").wait_for()
    assert page.locator("tr[data-user='can@marmara.example.com']").get_by_text("Invited").is_visible()
    log_out(page)

    # 5. The buyer follows the mailed link, sets a password and logs in.
    invitation = Notification.objects.get(template="dealers/user_invited")
    link = invitation.context["invitation_url"].replace("http://127.0.0.1:8000", base)
    page.goto(link)
    page.fill("#id_password", "Buyer-Strong-2026")
    page.fill("#id_password_again", "Buyer-Strong-2026")
    page.check("#id_accept_terms")
    page.get_by_role("button", name="Set password").click()
    page.get_by_text("Welcome! Your password is set.").wait_for()
    log_out(page)
    log_in(page, base, "can@marmara.example.com", "Buyer-Strong-2026", dealer.code)
    page.goto(base + "/account/")
    assert "You are signed in as Buyer" in page.content()


def test_agent_acts_for_an_assigned_dealer_and_sees_the_banner(live_server, page):
    dealer = DealerFactory(legal_name="Trakya Yapı A.Ş.", trade_name="Trakya Yapı")
    agent = AgentFactory(dealers=[dealer])
    log_in(page, live_server.url, agent.email, PASSWORD)
    page.goto(live_server.url + "/agents/dealers/")
    page.locator(f"tr[data-dealer='{dealer.code}']").get_by_role("button").click()
    banner = page.locator("#acting-banner")
    banner.wait_for()
    assert "Acting for Trakya Yapı" in banner.inner_text()
    page.goto(live_server.url + "/account/addresses/")
    assert "Acting for Trakya Yapı" in page.locator("#acting-banner").inner_text()
    page.locator("#acting-banner").get_by_role("button", name="stop").click()
    page.wait_for_load_state()
    assert page.locator("#acting-banner").count() == 0


def test_suspended_dealers_user_sees_the_status_page(live_server, page):
    dealer = DealerFactory(status=Dealer.Status.SUSPENDED, status_reason="Overdue invoices")
    user = DealerUserFactory(dealer=dealer)
    log_in(page, live_server.url, user.email, PASSWORD, dealer.code)
    page.goto(live_server.url + "/account/addresses/")
    assert page.url.endswith("/account/status/")
    assert "Account suspended" in page.content() and "Overdue invoices" in page.content()


def test_wrong_dealer_code_is_refused_like_a_wrong_password(live_server, page):
    user = DealerUserFactory()
    log_in(page, live_server.url, user.email, PASSWORD, "WRONG9")
    assert page.locator(".message.error").inner_text().strip() == (
        "The e-mail address, password or dealer code is not correct.")
