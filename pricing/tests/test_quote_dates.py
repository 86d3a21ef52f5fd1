"""Dates on the quote pages in the reader's language: an automatically expired quote's history says until when it
was valid in the reader's words and date format, not the stored English note with an ISO date."""
import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from pricing import services

pytestmark = pytest.mark.django_db


def test_an_expired_quotes_history_reads_in_the_dealers_language_and_date_format(client, sent, owner):
    day = timezone.localdate() + datetime.timedelta(days=11)
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0))), tick=False):
        assert services.expire_quotes() == 1
    sent.refresh_from_db()
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "tr"
    history = client.get(reverse("quotes:detail", args=[sent.number])).content.decode()
    history = history[history.index('id="quote-history"'):]
    assert f"{sent.valid_until:%d.%m.%Y} tarihine kadar geçerliydi" in history
    assert "valid until" not in history and sent.valid_until.isoformat() not in history


def test_accepting_an_expired_quote_names_the_day_in_the_readers_format(sent, owner):
    from django.utils import translation

    from pricing.errors import QuoteExpired
    from pricing.tests.quote_fixtures import actor_of

    day = sent.valid_until + datetime.timedelta(days=1)
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0))), tick=False):
        with translation.override("tr"), pytest.raises(QuoteExpired) as refused:
            services.accept_quote(actor=actor_of(owner), quote=sent)
    assert f"{sent.valid_until:%d.%m.%Y}" in str(refused.value.message)
