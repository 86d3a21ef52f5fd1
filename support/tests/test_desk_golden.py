"""The desk queue page's HTML, byte for byte, for a fixed dataset (issue 18: the page was made faster; what an agent
sees must not change). The page's own part (`<main>`: the queues with their counts, the filters, the rows, the
pages) is compared with the files under `golden/`, written from the page before the speed work, in English and
Turkish, from the database and again from what the desk keeps in the cache; the header and footer are the shared
chrome's and not compared here. Only the per-request CSRF tokens are masked.

A deliberate change of the page rewrites the files:
`GOLDEN_UPDATE=1 make test PYTEST_ARGS=support/tests/test_desk_golden.py`, then read the diff of the files before
committing it."""
import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from portal.testing import golden_mismatches

GOLDEN = Path(__file__).with_name("golden")
PAGES = [
    ("default", "/support/desk/"),
    ("open", "/support/desk/?queue=open"),
    ("unassigned", "/support/desk/?queue=unassigned"),
    ("mine", "/support/desk/?queue=mine&r=7"),
    ("all_2", "/support/desk/?queue=all&page=2"),
    ("waiting", "/support/desk/?queue=waiting"),
    ("breached", "/support/desk/?queue=breached"),
    ("breaching", "/support/desk/?queue=breaching"),
    ("team", "/support/desk/?queue=open&team=1&priority=high"),
    ("nobody", "/support/desk/?queue=all&assignee=none&team=none&tier=gold"),
    ("search", "/support/desk/?queue=all&q=Yıldız&category=delivery"),
    ("channel", "/support/desk/?queue=all&channel=mail&q=soru&status=open"),
    ("bad", "/support/desk/?queue=lost&status=gone&assignee=99&q=" + "x" * 101),
    ("empty", "/support/desk/?queue=open&q=%3Cnothing%3E"),
]
NOW = datetime.datetime(2026, 3, 11, 8, 15, tzinfo=datetime.UTC)  # a Wednesday, 11:15 in Istanbul
_TOKEN = re.compile(r'(csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}')


def _dataset():
    """Two agents (one without a name), two teams, three dealers of different tiers (one without a trade name), 34
    tickets of every status, priority, category and channel, assigned or not, with due times passed, close and far,
    paused, answered; one from a visitor. Ids from 1 (sequences reset)."""
    from dealers.models import Dealer
    from dealers.testing import DealerFactory, UserFactory
    from support.models import Ticket
    from support.permissions import SUPPORT_AGENTS_GROUP
    from support.testing import TeamFactory

    group = Group.objects.get(name=SUPPORT_AGENTS_GROUP)
    me = UserFactory(email="deniz@example.com", first_name="Deniz", last_name="Destek", is_staff=True)
    other = UserFactory(email="nameless&co@example.com", first_name="", last_name="", is_staff=True)
    for agent in (me, other):
        agent.groups.add(group)
    teams = [TeamFactory(name="Kargo & <İade>"), TeamFactory(name="Fatura")]
    dealers = [
        DealerFactory(legal_name="Yıldız Elektrik Ltd. Şti.", trade_name="Yıldız", code="YLD01", tier="gold",
                      tax_number="1111111111", email="y@example.com"),
        DealerFactory(legal_name='Öz "Ay" Aydınlatma A.Ş.', trade_name="", code="OZA02", tier="standard",
                      tax_number="2222222222", email="o@example.com"),
        DealerFactory(legal_name="Kilit Hırdavat", trade_name="Kilit", code="KLT03", tier="key_account",
                      tax_number="3333333333", email="k@example.com"),
    ]
    assert Dealer.objects.count() == 3
    statuses = ["new", "open", "waiting_on_dealer", "resolved", "closed", "open", "new"]
    priorities = ["low", "normal", "high", "urgent"]
    categories = ["order", "delivery", "invoice", "product", "return", "account", "other"]
    sources = ["web", "mail", "chat", "whatsapp", "phone", "api"]
    hour = datetime.timedelta(hours=1)
    for i in range(34):
        status = statuses[i % len(statuses)]
        opened = NOW - hour * (5 * i + 1)
        due = [NOW - 3 * hour, NOW + hour / 2, NOW + 30 * hour, None][i % 4]
        ticket = Ticket.objects.create(
            number=f"TCK-2026-{i:06d}", dealer=None if i == 11 else dealers[i % 3],
            visitor_name="Ziyaretçi <Ali>" if i == 11 else "", source=sources[i % len(sources)],
            subject=f"Soru {i}: teslimat & fatura <{i}>", category=categories[i % len(categories)],
            priority=priorities[i % len(priorities)], status=status,
            team=teams[i % 2] if i % 3 else None, assignee=[me, other, None][i % 3] if i % 5 else None,
            first_response_due=due, resolution_due=due and due + 2 * hour,
            first_responded_at=opened + hour if i % 4 == 3 else None,
            paused_at=NOW - hour if status == "waiting_on_dealer" else None,
            first_response_warned_at=NOW - hour if i == 13 else None)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=opened)
    return me


def _main(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    html = _TOKEN.sub(r"\1<token>", response.content.decode())
    return html[html.index('<main class="wrap" id="main">'):html.index("</main>") + len("</main>")] + "\n"


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_desk_queue_pages_are_byte_identical_to_the_golden_files():
    import time_machine

    with time_machine.travel(NOW, tick=False):
        me = _dataset()
        cache.clear()
        client = Client()
        client.force_login(me)
        # The second rendering of a page comes from what the first kept (caches): the same bytes.
        failures = golden_mismatches(GOLDEN, "desk", PAGES, lambda url, language: _main(client, url, language))
    assert not failures, f"pages differ from their golden files (the pages are in test-artifacts/golden/): {failures}"
