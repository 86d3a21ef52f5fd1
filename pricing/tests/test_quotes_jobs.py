"""The quotes' beat jobs with the clock moved: reminders a few days before the end of validity (once per revision),
expiry after it; each run twice sends one mail."""
import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from portal.models import AuditEntry, Notification
from pricing import services, tasks
from pricing.models import QuoteStatusChange

from .quote_fixtures import actor_of, send

pytestmark = pytest.mark.django_db


def days_later(days):
    """A moment `days` local days from now, at 10:00 local time (inside the day whatever the time zone)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def mails(template):
    return Notification.objects.filter(template=template)


def test_beat_runs_both_jobs_daily():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"pricing.tasks.expire_quotes_task", "pricing.tasks.remind_expiring_quotes_task"} <= schedule
    assert settings.QUOTE_REMINDER_DAYS == 3


def test_reminder_a_few_days_before_the_end_once_per_revision(sent, owner, buyer, agent):
    # `sent` is valid for 10 days: no reminder 4 days before the end.
    with time_machine.travel(days_later(6), tick=False):
        assert services.remind_expiring_quotes() == 0
    with time_machine.travel(days_later(7), tick=False):
        assert tasks.remind_expiring_quotes_task() == 1
        assert tasks.remind_expiring_quotes_task() == 0  # the same day again: nothing
    with time_machine.travel(days_later(9), tick=False):
        assert services.remind_expiring_quotes() == 0  # a later day: the revision was reminded already
    rows = mails("quote_expiring")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted([owner.email, buyer.email])
    assert rows.first().context["valid_until"] == sent.valid_until.isoformat()
    revision = sent.revisions.get(number=1)
    assert revision.reminder_sent_at is not None
    # A new revision with a new validity is reminded about again.
    with time_machine.travel(days_later(9), tick=False):
        quote = send(agent, sent, valid_days=2)
        assert quote.revision == 2
        assert services.remind_expiring_quotes() == 1
        assert services.remind_expiring_quotes() == 0
    assert mails("quote_expiring").count() == 4


def test_reminder_days_come_from_the_setting(sent, settings):
    settings.QUOTE_REMINDER_DAYS = 5
    with time_machine.travel(days_later(5), tick=False):
        assert services.remind_expiring_quotes() == 1


def test_a_quote_expires_after_its_last_valid_day_and_the_dealer_is_told_once(sent, owner):
    with time_machine.travel(days_later(10), tick=False):
        assert tasks.expire_quotes_task() == 0  # its last valid day
    with time_machine.travel(days_later(11), tick=False):
        assert tasks.expire_quotes_task() == 1
        assert tasks.expire_quotes_task() == 0
    sent.refresh_from_db()
    assert sent.status == "expired"
    assert list(mails("quote_expired").values_list("recipient", flat=True)) == [owner.email]
    change = QuoteStatusChange.objects.filter(quote=sent).last()
    assert change.to_status == "expired" and change.by is None
    entry = AuditEntry.objects.get(action="quote.expired")
    assert entry.dealer == sent.dealer and entry.actor is None
    # An expired quote is neither reminded about nor expired again.
    with time_machine.travel(days_later(12), tick=False):
        assert services.remind_expiring_quotes(days=30) == 0
        assert services.expire_quotes() == 0
    assert mails("quote_expired").count() == 1


def test_jobs_leave_quotes_that_are_not_sent_alone(requested, agent):
    services.start_draft(actor=agent, quote=requested)
    with time_machine.travel(days_later(60), tick=False):
        assert services.expire_quotes() == 0
        assert services.remind_expiring_quotes(days=90) == 0
    requested.refresh_from_db()
    assert requested.status == "draft"


def test_an_expired_quote_may_be_revised_and_sent_again(sent, agent):
    assert services.expire_quotes(today=sent.valid_until + datetime.timedelta(days=1)) == 1
    sent.refresh_from_db()
    assert sent.status == "expired"
    quote = send(agent, sent, valid_days=5)
    assert quote.status == "sent" and quote.revision == 2


def test_every_quote_mail_renders_in_the_recipients_language(sent, owner, agent, order_maker, dealer):
    from dealers.testing import DealerUserFactory
    from portal.outbox import render_notification

    DealerUserFactory(dealer=dealer, role="buyer", language="tr")
    services.reject_quote(actor=actor_of(owner), quote=sent, reason="Too dear")
    send(agent, sent, valid_days=2)
    services.remind_expiring_quotes()
    services.accept_quote(actor=actor_of(owner), quote=sent)
    other = services.request_quote(actor=actor_of(owner), lines=[(sent.lines.first().product, 1)])
    send(agent, other, valid_days=1)
    services.expire_quotes(today=timezone.localdate() + datetime.timedelta(days=2))
    rendered = {}
    for row in Notification.objects.all():
        subject, text, html = render_notification(row)
        assert row.context["number"] in subject and row.context["number"] in text and "<html" in html
        rendered.setdefault(row.template, set()).add(row.language)
    assert set(rendered) == {"quote_requested", "quote_sent", "quote_rejected", "quote_expiring", "quote_accepted",
                             "quote_expired"}
    assert "tr" in rendered["quote_sent"] and "tr" in rendered["quote_expired"]
