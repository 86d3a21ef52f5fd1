"""The shipments page reads its rows and count through SQL compiled once per combination of filters
(shipping.selectors.ShipmentPageRows, issue 18): it must read exactly what the ORM's list_shipment_rows and
list_shipments read, for every combination, page and time zone, and only the actor's dealer's shipments."""
import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from shipping import selectors
from shipping.models import Carrier, Parcel, Shipment

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 10, 12, 0, tzinfo=datetime.UTC)


def _shipments(dealer, owner, other_owner):
    """Shipments of two dealers around midnight in Istanbul (a day filter must read the day where the reader is),
    with order numbers holding LIKE's wildcards and parcels with and without tracking codes."""
    carrier = Carrier.objects.create(code="sql-yk", name="Yurtiçi", tracking_url_template="https://yk/{code}")
    statuses = ["delivered", "returned", "in_transit", "preparing"]
    for i in range(24):
        mine = i % 6 != 5
        who = dealer if mine else other_owner.dealer
        order = Order.objects.create(
            number=f"ORD-SQL-{'5_%' if i % 4 == 0 else '50'}{i:03d}", dealer=who,
            placed_by=owner if mine else other_owner, status="delivered", shipping_address="x", billing_address="x",
            total_net=Decimal(1), total_vat=Decimal(0), total_gross=Decimal(1))
        status = statuses[i % 4]
        # 20:30 UTC is 23:30 in Istanbul; 21:30 UTC is 00:30 of the next day there
        shipped = None if status == "preparing" else NOW - datetime.timedelta(days=i // 2, hours=15 + 1 * (i % 2),
                                                                              minutes=30)
        shipment = Shipment.objects.create(number=f"SHP-SQL-{i:03d}", order=order, dealer=who, status=status,
                                           carrier=carrier if i % 3 else None, shipped_at=shipped)
        Shipment.objects.filter(pk=shipment.pk).update(created_at=NOW - datetime.timedelta(hours=i))
        for p in range(i % 3):
            Parcel.objects.create(shipment=shipment, tracking_code=f"TRK{i:03d}{p}" if i % 3 else "",
                                  weight_kg=Decimal(1))


FILTERS = {"status": "returned", "date_from": "2026-06-03", "date_to": datetime.date(2026, 6, 8),
           "order": "5_%", "tracking": " trk0071 "}


def _actor(user):
    return type("Actor", (), {"dealer": user.dealer})()


def test_every_combination_of_filters_reads_what_the_orm_reads(dealer, owner, other_owner):
    _shipments(dealer, owner, other_owner)
    selectors._PAGE_SQL.clear()
    actor = _actor(owner)
    for zone in ("Europe/Istanbul", "America/New_York"):
        with timezone.override(zone):
            for n in range(len(FILTERS) + 1):
                for names in itertools.combinations(FILTERS, n):
                    filters = {name: FILTERS[name] for name in names}
                    expected = list(selectors.list_shipment_rows(actor=actor, filters=filters))
                    rows = selectors.ShipmentPageRows(actor=actor, filters=filters)
                    assert rows.count() == len(expected) == selectors.list_shipments(
                        actor=actor, filters=filters).count(), names
                    assert rows[0:7] + rows[7:14] + rows[14:40] == expected, names
                    assert rows[3:3] == []
    # every combination was compiled once, its parameters being the ORM's (else it would be compiled every time)
    assert len(selectors._PAGE_SQL) == 2 ** len(FILTERS) + 2 ** (len(FILTERS) - 2) * 3
    # and the filters do narrow: the comparison means something
    assert 0 < selectors.ShipmentPageRows(actor=actor, filters={"date_from": "2026-06-03"}).count() < 20
    assert selectors.ShipmentPageRows(actor=actor, filters={"order": "5_%"}).count() == 6


def test_another_dealers_shipments_and_a_user_without_a_dealer_read_nothing_more(dealer, owner, other_owner):
    _shipments(dealer, owner, other_owner)
    theirs = selectors.ShipmentPageRows(actor=_actor(other_owner))
    assert theirs.count() == 4 and {row["number"] for row in theirs[0:25]} == {
        f"SHP-SQL-{i:03d}" for i in (5, 11, 17, 23)}
    nobody = selectors.ShipmentPageRows(actor=type("Actor", (), {"dealer": None})())
    assert nobody.count() == 0 and nobody[0:25] == []


def test_the_shipments_page_reads_its_count_and_its_rows_only(signed_in, owner, dealer, other_owner,
                                                            django_assert_max_num_queries):
    """The page's own reads are two: the count and the page's rows (issue 18: pinned); the rest (at most three:
    the session, the user, the dealer) is the site's."""
    _shipments(dealer, owner, other_owner)
    signed_in.get(reverse("shipping:shipments"))
    for query in ({}, {"status": "returned", "page": "1"}, {"page": "2", "order": "ORD"}):
        with django_assert_max_num_queries(5) as reads:
            page = signed_in.get(reverse("shipping:shipments"), query)
        assert page.status_code == 200
        own = [q["sql"] for q in reads.captured_queries if 'FROM "shipping_shipment"' in q["sql"]]
        assert len(own) == 2 and "COUNT(" in own[0] and "LIMIT" in own[1]
    with django_assert_max_num_queries(4) as reads:  # nothing matches: no rows to read
        assert signed_in.get(reverse("shipping:shipments"), {"tracking": "nothing"}).status_code == 200
    assert len([q for q in reads.captured_queries if 'FROM "shipping_shipment"' in q["sql"]]) == 1


def test_the_kept_filter_fields_follow_the_language_and_the_values(signed_in, owner, dealer, other_owner):
    """shipping.views.shipments keeps the filter fields by language and values (issue 18): each reads its own."""
    _shipments(dealer, owner, other_owner)

    def filters(language, **query):
        signed_in.cookies["django_language"] = language
        html = signed_in.get(reverse("shipping:shipments"), query).content.decode()
        return html[html.index('id="shipment-filters"'):html.index("</form>", html.index('id="shipment-filters"'))]

    assert "Durum" in filters("tr", status="returned") and "Status" in filters("en", status="returned")
    assert '<option value="returned" selected>' in filters("en", status="returned")
    assert '<option value="returned" selected>' not in filters("en", status="delivered")
    assert "Enter a valid date." in filters("en", date_from="not-a-date")
    assert "Enter a valid date." not in filters("en", date_from="2026-06-01")
    assert "Enter a valid date." not in filters("tr", date_from="not-a-date")
    assert 'value="ORD-SQL"' in filters("en", order="ORD-SQL") and 'value="ORD-SQL"' not in filters("en")
