"""The desk's quarantine on a phone (390 × 844) in a real Chromium, in Turkish: long senders, subjects and reasons
never make the page scroll sideways, and an agent adds a held mail to a ticket from the phone."""
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from dealers.testing import PASSWORD, UserFactory
from portal.testing import actor_of, log_in
from support.models import InboundMessage
from support.permissions import SUPPORT_AGENTS_GROUP
from support.testing import open_as

from .test_mail_intake import mail, take

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_the_quarantine_fits_a_phone_and_releases_a_mail_to_a_ticket(live_server, browser, owner):
    agent = UserFactory(is_staff=True, language="tr", email="destek@portal.example")
    agent.groups.add(Group.objects.get(name=SUPPORT_AGENTS_GROUP))
    ticket = open_as(actor_of(owner), subject="Paneller titriyor")
    held = take(mail(sender="Çok Uzun İsimli Bir Gönderen <cok.uzun.bir.adres.ile.yazan.biri@uzun-alan-adi-olan-bir"
                            "-firma.example>",
                     subject="Karaosmanoğlu Elektrik Aydınlatma Sanayi ve Ticaret Limited Şirketi siparişi hakkında",
                     body="Merhaba, " + "çokuzunbirkelimeboşluksuzyazılmış" * 6 + "\n\nPanel siparişimiz nerede?"))
    take(mail(sender="ikinci@baska.example", body="İkinci mesaj"))
    context = browser.new_context(locale="tr-TR", viewport=PHONE)
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        log_in(page, live_server.url, agent.email, PASSWORD)
        for url in (reverse("support:quarantine"), reverse("support:desk")):
            response = page.goto(live_server.url + url)
            assert response.status == 200
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
        assert page.locator("#desk-quarantine-link .badge").inner_text() == "2"
        page.click("#desk-quarantine-link")
        item = page.locator(f"#inbound-{held.pk}")
        item.locator("summary").first.click()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        item.locator("input[name=ticket]").fill(ticket.number)
        item.locator("form[action$='/release/'] button").click()
        page.wait_for_load_state()
        assert page.locator(f"#inbound-{held.pk}").count() == 0
    finally:
        context.close()
    held.refresh_from_db()
    assert held.status == "released" and held.ticket == ticket
    assert InboundMessage.objects.filter(status="quarantined").count() == 1
