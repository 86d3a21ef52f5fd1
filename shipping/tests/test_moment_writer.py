"""The list pages write moments through strftime where the language's format allows (shipping.views.shipments.
moment_writer, issue 18): it must write what the `date` filter writes, in every language and time zone."""
import datetime

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import get_format

from shipping.views.shipments import moment_writer

MOMENTS = [datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(hours=7 * n, minutes=13 * n,
                                                                                     seconds=n, microseconds=n)
           for n in range(0, 3000, 37)] + [
    datetime.datetime(2026, 3, 29, 0, 59, 59, tzinfo=datetime.UTC),   # around summer time in Europe
    datetime.datetime(2026, 10, 25, 1, 0, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 8, 7, 30, tzinfo=datetime.UTC),        # and in America/New_York
    datetime.datetime(999, 12, 31, 23, 0, tzinfo=datetime.UTC),       # a year before 1000: DateFormat's own
]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("zone", ["Europe/Istanbul", "America/New_York", "UTC"])
def test_the_short_date_time_is_written_as_the_date_filter_writes_it(language, zone):
    template = Template('{{ moment|date:"c" }}|{{ moment|date:"SHORT_DATETIME_FORMAT" }}')
    with translation.override(language), timezone.override(zone):
        write = moment_writer(get_format("SHORT_DATETIME_FORMAT"))
        for moment in MOMENTS:
            assert "|".join(write(moment)) == template.render(Context({"moment": moment})), (language, zone, moment)


@pytest.mark.parametrize("format_string", ["d.m.Y H:i", "Y-m-d H:i:s", "d/m/Y", "j F Y, P", r"\d\a\y d", "H%i", "N jS"])
def test_any_format_is_written_as_the_date_filter_writes_it(format_string):
    template = Template("{{ moment|date:'c' }}|{{ moment|date:format }}")
    with translation.override("tr"), timezone.override("Europe/Istanbul"):
        write = moment_writer(format_string)
        for moment in MOMENTS:
            assert "|".join(write(moment)) == template.render(Context({"moment": moment, "format": format_string}))
