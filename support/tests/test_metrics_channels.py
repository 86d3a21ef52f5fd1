"""Support metrics by channel (issue 16): tickets opened, first-response and resolution time (business hours of a
Monday–Friday 09:00–18:00 calendar, median and 90th percentile) and satisfaction per channel, over the page's period;
on the page (one row per channel) and in its CSV."""
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dealers.testing import DealerFactory, UserFactory
from support.models import Holiday, Satisfaction, TicketSource
from support.services import metrics_rows, support_metrics
from support.testing import TeamFactory, TicketFactory, office_hours

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")


def at(day, hour, minute=0):
    """A local moment in the week of Monday 2 March 2026 (day 0 = Monday)."""
    return dt.datetime(2026, 3, 2, hour, minute, tzinfo=IST) + dt.timedelta(days=day)


NOW = at(4, 12)  # Friday 12:00
MARCH = {"opened_from": dt.date(2026, 3, 1), "opened_to": dt.date(2026, 3, 31)}


@pytest.fixture
def lead(db):
    user = UserFactory(is_staff=True, first_name="Leyla", last_name="Lead")
    TeamFactory(name="Channels", lead=user)
    return user


@pytest.fixture
def dataset(db):
    office_hours()
    Holiday.objects.filter(date__range=(dt.date(2026, 2, 20), dt.date(2026, 3, 10))).delete()
    dealer = DealerFactory()

    def ticket(source, opened, responded=None, resolved=None, status="open", rating=None, **fields):
        row = TicketFactory(dealer=dealer, source=source, created_at=opened, first_responded_at=responded,
                            resolved_at=resolved, status=status, **fields)
        if rating:
            Satisfaction.objects.create(ticket=row, rating=rating)
        return row

    # The portal: answered after 1 and 3 business hours; one resolved after 4, rated 5.
    ticket("web", at(0, 9), at(0, 10), at(0, 13), "resolved", rating=5)
    ticket("web", at(0, 9), at(0, 12))
    # Mail: answered after 0.5 and 2 hours; resolved after 9 − 1 waiting on the dealer = 8, and after 8; rated 3, 4;
    # one not answered yet.
    ticket("mail", at(0, 10), at(0, 10, 30), at(1, 10), "resolved", rating=3, paused_seconds=3600)
    ticket("mail", at(0, 9), at(0, 11), at(0, 17), "closed", rating=4)
    ticket("mail", at(1, 9))
    # A phone call: answered at once (the call), resolved half an hour later.
    ticket("phone", at(0, 9), at(0, 9), at(0, 9, 30), "resolved")
    # WhatsApp: answered after a quarter of an hour.
    ticket("whatsapp", at(2, 9), at(2, 9, 15))
    # February: outside the period.
    ticket("chat", at(-14, 9), at(-14, 10), at(-14, 11), "resolved", rating=1)


def _rows(figures):
    return {row.channel: row for row in figures.by_channel}


def test_figures_per_channel(dataset):
    rows = _rows(support_metrics(**MARCH, now=NOW))
    assert list(rows) == list(TicketSource.values)  # one row per channel, in the channels' order
    web, mail, phone, whatsapp, chat = rows["web"], rows["mail"], rows["phone"], rows["whatsapp"], rows["chat"]
    assert (web.tickets, mail.tickets, phone.tickets, whatsapp.tickets, chat.tickets, rows["api"].tickets) == (
        2, 3, 1, 1, 0, 0)
    assert (web.first_response.median_hours, web.first_response.p90_hours) == (Decimal("2.00"), Decimal("2.80"))
    assert (web.resolution.median_hours, web.resolution.p90_hours) == (Decimal("4.00"), Decimal("4.00"))
    assert (mail.first_response.median_hours, mail.first_response.p90_hours) == (Decimal("1.25"), Decimal("1.85"))
    assert (mail.resolution.count, mail.resolution.median_hours, mail.resolution.p90_hours) == (
        2, Decimal("8.00"), Decimal("8.00"))
    assert (phone.first_response.median_hours, phone.resolution.median_hours) == (Decimal("0.00"), Decimal("0.50"))
    assert (whatsapp.first_response.median_hours, whatsapp.resolution.median_hours) == (Decimal("0.25"), None)
    assert (web.satisfaction_average, web.rated, mail.satisfaction_average, mail.rated) == (
        Decimal("5.00"), 1, Decimal("3.50"), 2)
    assert (phone.satisfaction_average, chat.satisfaction_average, chat.first_response.median_hours) == (
        None, None, None)
    # February alone: only the chat.
    february = _rows(support_metrics(opened_from=dt.date(2026, 2, 1), opened_to=dt.date(2026, 2, 28), now=NOW))
    assert [row.channel for row in february.values() if row.tickets] == ["chat"]
    assert february["chat"].satisfaction_average == Decimal("1.00")


def test_the_channels_are_named_in_the_readers_language(dataset):
    from django.utils import translation

    with translation.override("tr"):
        rows = _rows(support_metrics(**MARCH, now=NOW))
    assert rows["mail"].label == "E-posta"
    csv_rows = metrics_rows(support_metrics(**MARCH, now=NOW))
    assert ("By channel: E-mail", "Tickets opened", 3) in csv_rows
    assert ("By channel: E-mail", "First response, median (business hours)", Decimal("1.25")) in csv_rows
    assert ("By channel: Live chat", "Average rating", "") in csv_rows


def test_the_page_shows_a_row_per_channel_and_the_csv_exports_them(client, dataset, lead):
    client.force_login(lead)
    url = reverse("support:metrics")
    page = client.get(url, {"opened_from": "2026-03-01", "opened_to": "2026-03-31"}).content.decode()
    assert page.count('<tr data-channel="') == len(TicketSource.values)
    assert 'id="metrics-channels"' in page and "3.50 (2)" in page
    text = client.get(url, {"opened_from": "2026-03-01", "opened_to": "2026-03-31", "format": "csv"}).content.decode(
        "utf-8-sig")
    assert "By channel: WhatsApp,Tickets opened,1" in text.replace("\r\n", "\n")
    assert "By channel: Phone,Resolution, median (business hours),0.50" not in text  # a comma in a label is quoted
    assert 'By channel: Phone,"Resolution, median (business hours)",0.50' in text
