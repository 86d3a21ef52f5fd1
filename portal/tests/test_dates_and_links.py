"""Dates and links as a reader meets them: one date and one date-time format per language (portal/formats/), local
time everywhere (pages, the admin's audit log, mails rendered by a worker), and links in mails that follow PORT."""
import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from portal import audit, outbox
from portal.models import AuditEntry, Notification

BASE_DIR = Path(settings.BASE_DIR)
DAY = datetime.date(2027, 1, 5)
# 11:02 UTC is 14:02 in Istanbul.
MOMENT = datetime.datetime(2027, 1, 5, 11, 2, tzinfo=datetime.UTC)

EXPECTED = {
    "en": ("2027-01-05", "2027-01-05 14:02"),
    "tr": ("05.01.2027", "05.01.2027 14:02"),
    "bg": ("05.01.2027", "05.01.2027 14:02"),
    "vi": ("05/01/2027", "05/01/2027 14:02"),
    "zh-hans": ("2027-01-05", "2027-01-05 14:02"),
}


@pytest.mark.parametrize("language", list(EXPECTED))
def test_each_language_has_one_date_and_one_date_time_format(language):
    day, moment = EXPECTED[language]
    local = timezone.localtime(MOMENT)
    with translation.override(language):
        assert date_format(DAY) == date_format(DAY, "SHORT_DATE_FORMAT") == day
        assert date_format(local, "DATETIME_FORMAT") == date_format(local, "SHORT_DATETIME_FORMAT") == moment


@pytest.mark.parametrize("language", list(EXPECTED))
def test_date_fields_accept_the_shown_format_and_iso(language):
    day, _ = EXPECTED[language]
    with translation.override(language):
        assert forms.DateField().clean(day) == DAY
        assert forms.DateField().clean("2027-01-05") == DAY  # what a date picker sends


def _settings_in_a_new_process(**env) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT", "DJANGO_SETTINGS_MODULE")}
    environment.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    script = ("import django; django.setup(); from django.conf import settings; "
              "from django.contrib.auth import get_user_model; from dealers.services.accounts import invitation_url; "
              "print(settings.SITE_URL); print(invitation_url(get_user_model()(pk=7, email='a@example.com')))")
    done = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=environment, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_site_url_follows_port_when_it_is_not_set():
    site_url, invitation = _settings_in_a_new_process(PORT="8801")
    assert site_url == "http://127.0.0.1:8801"
    assert invitation.startswith("http://127.0.0.1:8801/")


def test_a_set_site_url_wins_over_port():
    site_url, invitation = _settings_in_a_new_process(PORT="8801", SITE_URL="https://portal.example.com/")
    assert site_url == "https://portal.example.com"
    assert invitation.startswith("https://portal.example.com/")


def test_procfile_gives_worker_and_beat_the_web_port():
    """honcho sets PORT to 8100 and 8200 for the second and third process: the worker and beat take WEB_PORT."""
    lines = dict(line.split(": ", 1) for line in (BASE_DIR / "Procfile").read_text().splitlines() if line.strip())
    for name in ("worker", "beat"):
        command = lines[name].split(" bin/keep-running ")[0].split(" celery ")[0] + ' sh -c \'echo "$PORT"\''
        shown = subprocess.run(["sh", "-c", command], env={"PATH": os.environ["PATH"], "PORT": "8901",
                                                          "WEB_PORT": "8801"}, capture_output=True, text=True)
        assert shown.stdout.strip() == "8801", name
    assert "WEB_PORT=$(PORT)" in (BASE_DIR / "Makefile").read_text()


@pytest.mark.django_db
def test_an_invitation_mail_links_to_the_site_url(settings, django_capture_on_commit_callbacks):
    from dealers.models import Role
    from dealers.services.accounts import invite_user
    from dealers.testing import DealerUserFactory
    from portal.actors import Actor

    settings.SITE_URL = "http://127.0.0.1:8801"
    owner = DealerUserFactory(role=Role.OWNER)
    invite_user(actor=Actor(user=owner, dealer=owner.dealer), email="new.buyer@example.com", first_name="Ali",
                last_name="Kaya", role=Role.BUYER)
    row = Notification.objects.get(recipient="new.buyer@example.com")
    subject, text, html = outbox.render_notification(row)
    assert "http://127.0.0.1:8801/" in text and "http://127.0.0.1:8801/" in html
    assert ":8000" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("language,shown", [("en", "2027-01-05"), ("tr", "05.01.2027"), ("vi", "05/01/2027")])
def test_a_mail_shows_a_due_date_in_the_recipients_format(language, shown):
    row = Notification.objects.create(
        recipient="finance@example.com", template="payments/invoice_issued", language=language,
        context={"first_name": "Ayşe", "number": "INV-2027-000001", "total": "1,200.00", "currency": "TRY",
                 "dealer_name": "Acme", "due_date": DAY.isoformat(), "installments": 1,
                 "url": "http://x/", "pdf_url": "http://x/pdf"})
    subject, text, html = outbox.render_notification(row)
    assert shown in text and shown in html
    if language != "en":
        assert "2027-01-05" not in text


def test_moments_in_a_mail_context_come_back_as_aware_datetimes():
    """The JSON column stores them as ISO text; the template then shows them in local time, not as UTC text."""
    restored = outbox._dates_of({"sent_at": MOMENT.isoformat(), "due_date": "2027-01-05", "reason": "2027-01-05"})
    assert restored == {"sent_at": MOMENT, "due_date": DAY, "reason": "2027-01-05"}


@pytest.mark.django_db
def test_the_audit_log_in_the_admin_shows_local_time_only(admin_client):
    entry = audit.record(actor=None, action="dealer.approved", data={"at": MOMENT.isoformat(), "note": "ok"})
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=MOMENT)
    entry.refresh_from_db()
    with translation.override("en"):
        assert str(entry).startswith("2027-01-05 14:02")
    listing = admin_client.get(reverse("admin:portal_auditentry_changelist")).content.decode()
    assert "2027-01-05 14:02" in listing and "11:02" not in listing
    page = admin_client.get(reverse("admin:portal_auditentry_change", args=[entry.pk])).content.decode()
    assert "2027-01-05 14:02" in page
    assert "11:02" not in page  # neither the title, the when, nor the data's moment in UTC
    assert "p.m." not in page and "a.m." not in page
    assert "Target type" not in page and "Object type" in page


@pytest.mark.django_db
def test_a_campaign_window_in_the_admin_reads_local_time_in_the_language_format():
    from pricing.admin import CampaignAdmin
    from pricing.models import Campaign

    campaign = Campaign(starts_at=MOMENT, ends_at=MOMENT + datetime.timedelta(days=1))
    with translation.override("tr"):
        assert CampaignAdmin.window(None, campaign) == "05.01.2027 14:02 – 06.01.2027 14:02"


def test_an_audit_entry_without_moments_keeps_its_data():
    assert audit.local_data({"n": 3, "code": "AB-2027", "items": ["x"]}) == {"n": 3, "code": "AB-2027",
                                                                                "items": ["x"]}
    with translation.override("tr"):
        assert audit.local_data({"at": MOMENT.isoformat(), "due": ["2027-01-05"]}) == {
            "at": "05.01.2027 14:02", "due": ["05.01.2027"]}
