"""The shipments page's HTML, byte for byte, for a fixed dataset (issue 18: the page was made faster; what a dealer
sees must not change). The page's own part (`<main>`: the filters, the rows, the pages) is compared with the files
under `golden/`, written from the page before the speed work, in English and Turkish; the header and footer are
the shared chrome's and not compared here.

A deliberate change of the page rewrites the files:
`GOLDEN_UPDATE=1 make test PYTEST_ARGS=shipping/tests/test_golden.py`, then read the diff of the files before
committing it."""
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from portal.testing import golden_mismatches

GOLDEN = Path(__file__).with_name("golden")
PAGES = [
    ("first", "/shipping/shipments/"),
    ("second", "/shipping/shipments/?page=2&r=1"),
    ("last", "/shipping/shipments/?page=99"),
    ("status", "/shipping/shipments/?status=returned"),
    ("several", "/shipping/shipments/?status=delivered&order=GLD-000&date_from=2026-01-01&date_to=2026-03-10"),
    ("tracking", "/shipping/shipments/?tracking=gld0000071"),
    ("none", "/shipping/shipments/?tracking=nothing%3Cb%3E&order=%22%3E%3Cscript%3E"),
    ("bad", "/shipping/shipments/?date_from=not-a-date&status=delivered&date_to=2026-13-01"),
    ("bad_choice", "/shipping/shipments/?status=lost&order=" + "x" * 25),
]
NOW = datetime.datetime(2026, 3, 14, 9, 30, tzinfo=datetime.UTC)
STATUSES = ["delivered", "in_transit", "returned", "preparing", "shipped", "out_for_delivery", "delivery_failed"]


def _dataset(dealer, owner, other_owner):
    """35 shipments of the dealer (every status, a return, three carriers and the own truck, none to three parcels
    with and without tracking codes, names and codes that need escaping) and two of another dealer, at fixed
    moments around NOW."""
    from orders.models import Order
    from shipping.models import Carrier, Parcel, Shipment

    carriers = [
        Carrier.objects.create(code="gold-yk", name="Yurtiçi Kargo",
                               tracking_url_template="https://yk.example/track?code={code}&lang=tr"),
        Carrier.objects.create(code="gold-aras", name='Aras & "Kargo" <A>',
                               tracking_url_template="https://aras.example/{code}"),
        Carrier.objects.create(code="gold-none", name="Kargo Şirketi", tracking_url_template=""),
    ]
    made = []
    for i in range(37):
        mine = i < 35
        order = Order.objects.create(
            number=f"ORD-GLD-{i // 2:04d}" if mine else "ORD-OTHER-1", dealer=dealer if mine else other_owner.dealer,
            placed_by=owner if mine else other_owner, status="delivered", shipping_address="Sanayi 1",
            billing_address="Sanayi 1", total_net=Decimal("1.00"), total_vat=Decimal("0.20"),
            total_gross=Decimal("1.20")) if (mine and i % 2 == 0) or i == 35 else made[-1].order
        status = STATUSES[i % len(STATUSES)]
        carrier = None if i % 5 == 4 else carriers[i % 3]
        shipped = None if status == "preparing" else NOW - datetime.timedelta(days=i * 2, hours=i, minutes=7 * i)
        shipment = Shipment.objects.create(
            number=f"SHP-GLD-{i:04d}" if i != 9 else "SHP-GLD-0009&<x>", order=order, dealer=order.dealer,
            carrier=carrier, status=status, kind="return" if i % 8 == 3 else "outbound", shipped_at=shipped,
            vehicle_plate="34 ABC 123" if carrier is None else "")
        Shipment.objects.filter(pk=shipment.pk).update(created_at=NOW - datetime.timedelta(days=i * 2, hours=3))
        for p in range(i % 4):
            code = "" if (carrier is None and p == 0) or (i % 6 == 5 and p == 1) else f"GLD{i:06d}{p}"
            if i == 13 and p == 0:
                code = "A&B <1>/ç"
            Parcel.objects.create(shipment=shipment, tracking_code=code, weight_kg=Decimal("1.000"))
        made.append(shipment)
    return made


def _main(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    html = response.content.decode()
    return html[html.index('<main class="wrap" id="main">'):html.index("</main>") + len("</main>")] + "\n"


@pytest.mark.django_db
def test_the_shipments_pages_are_byte_identical_to_the_golden_files(dealer, owner, other_owner):
    import time_machine

    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        _dataset(dealer, owner, other_owner)
        client = Client()
        client.force_login(owner)
        # The second rendering of a page comes from what the first kept (caches): the same bytes.
        failures = golden_mismatches(GOLDEN, "shipments", PAGES, lambda url, language: _main(client, url, language))
    assert not failures, f"pages differ from their golden files (the pages are in test-artifacts/golden/): {failures}"
