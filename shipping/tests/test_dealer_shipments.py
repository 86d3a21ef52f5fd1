"""The dealer's side of shipping (issue 14, section 5): the shipments page and its filters, a shipment's page with its
parcels and timeline, the order page's shipments, the dashboard's "On the way", the delivery report (who may, once,
quantities, photos) and its photos; another dealer's shipment is a 404 everywhere."""
import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.testing import png_bytes
from orders.models import Order, OrderStatus
from orders.testing import with_addresses
from portal.models import AuditEntry
from portal.testing import actor_of
from shipping.errors import (
    BadDeliveryPhoto,
    BadDeliveryReport,
    DeliveryAlreadyReported,
    DeliveryNotReportable,
    DeliveryReportNotAllowed,
)
from shipping.models import DeliveryPhoto, DeliveryReport, EventState, Shipment, ShipmentStatus, TrackingEvent
from shipping.selectors import open_delivery_problems
from shipping.services import move_shipment, report_delivery
from shipping.testing import TRUCK, CarrierFactory, confirmed_order, ship

SS = ShipmentStatus
pytestmark = pytest.mark.django_db


def _along(shipment, staff, *targets):
    for to in targets:
        shipment = move_shipment(actor=staff, shipment=shipment, to=to)
    return shipment


def _shipped(actor, product, staff, *, quantity=3, shipped=None, carrier=None, parcels=(("YK123", "2.5"),),
             truck=None, status=SS.SHIPPED):
    """A confirmed order of `quantity` with a shipment of `shipped` (default: all) moved along to `status`."""
    order = confirmed_order(actor, product, quantity, staff=staff)
    line = order.lines.get()
    if carrier is None and truck is None:
        carrier = CarrierFactory(name="Yurtiçi Kargo", tracking_url_template="https://yk.example/track?code={code}")
    shipment = ship(order, {line.pk: shipped or quantity}, staff=staff, carrier=carrier, parcels=parcels, truck=truck)
    path = [SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED]
    if status != SS.PREPARING:
        shipment = _along(shipment, staff, *path[:path.index(status) + 1])
    return shipment


def _event(shipment, status, *, state=EventState.APPLIED, minutes=0, **fields):
    parcel = shipment.parcels.first()
    return TrackingEvent.objects.create(
        source=f"carrier:{shipment.carrier.code}", event_id=f"e-{TrackingEvent.objects.count() + 1}",
        carrier=shipment.carrier, tracking_code=parcel.tracking_code, status=status, shipment=shipment, state=state,
        occurred_at=timezone.now() + datetime.timedelta(minutes=minutes), **fields)


def _photo(name="damage.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, png_bytes((40, 30)) if content is None else content, content_type=content_type)


# --- the shipments page -----------------------------------------------------------------------------------------------

def test_the_shipments_page_lists_the_dealers_shipments_with_labels_and_tracking_links(
        signed_in, actor, addresses, panel, staff, other_owner):
    mine = _shipped(actor, panel, staff, status=SS.IN_TRANSIT)
    with_addresses(other_owner.dealer)
    other = _shipped(actor_of(other_owner), panel, staff)
    page = signed_in.get(reverse("shipping:shipments"))
    html = page.content.decode()
    assert page.status_code == 200
    assert mine.number in html and other.number not in html
    assert "In transit" in html and ">in_transit<" not in html
    assert 'href="https://yk.example/track?code=YK123"' in html and "Yurtiçi Kargo" in html
    assert mine.order.number in html


def test_the_shipments_page_filters_by_status_dates_order_and_tracking_code(
        signed_in, actor, addresses, panel, staff):
    early = _shipped(actor, panel, staff, parcels=(("AAA111", "1"),))
    Shipment.objects.filter(pk=early.pk).update(shipped_at=timezone.now() - datetime.timedelta(days=20))
    late = _shipped(actor, panel, staff, parcels=(("BBB222", "1"),), status=SS.DELIVERED)
    preparing = _shipped(actor, panel, staff, parcels=(("CCC333", "1"),), status=SS.PREPARING)

    def listed(**query):
        html = signed_in.get(reverse("shipping:shipments"), query).content.decode()
        return {s.number for s in (early, late, preparing) if s.number in html}

    assert listed() == {early.number, late.number, preparing.number}
    assert listed(status="delivered") == {late.number}
    assert listed(status="preparing") == {preparing.number}
    today = timezone.localdate()
    assert listed(date_from=(today - datetime.timedelta(days=2)).isoformat()) == {late.number}
    assert listed(date_to=(today - datetime.timedelta(days=10)).isoformat()) == {early.number}
    assert listed(order=early.order.number) == {early.number}
    assert listed(tracking="bbb222") == {late.number}
    assert listed(tracking="BBB") == set()  # a tracking code is matched whole
    # A bad date drops that filter only, and says so; the others still apply.
    page = signed_in.get(reverse("shipping:shipments"), {"date_from": "not-a-date", "status": "delivered"})
    assert page.status_code == 200 and "Enter a valid date." in page.content.decode()
    assert late.number in page.content.decode() and early.number not in page.content.decode()


def test_the_shipments_page_reads_a_fixed_number_of_queries_whatever_its_length(
        signed_in, actor, addresses, panel, staff, django_assert_max_num_queries):
    _shipped(actor, panel, staff, parcels=(("P1", "1"), ("P2", "1")))
    with django_assert_max_num_queries(14) as few:
        signed_in.get(reverse("shipping:shipments"))
    for n in range(6):
        _shipped(actor, panel, staff, parcels=((f"Q{n}A", "1"), (f"Q{n}B", "1")), status=SS.IN_TRANSIT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = signed_in.get(reverse("shipping:shipments"))
    assert page.content.decode().count('class="tracking-link"') == 14


def test_the_shipments_page_reads_as_many_queries_for_many_shipments_as_for_one(
        signed_in, actor, addresses, panel, staff):
    """Pinned: the page's own reads are the count and the rows (with their orders, carriers and parcels' tracking
    codes), and the whole page reads the same number of queries for one shipment as for many of every sort
    (carriers, the own truck, a return, parcels with and without tracking links): a read per row (its order,
    carrier or parcels) fails it."""
    _shipped(actor, panel, staff, parcels=(("P1", "1"), ("P2", "1")))
    signed_in.get(reverse("shipping:shipments"))  # the session's first-request work is not the page's

    def reads():
        with CaptureQueriesContext(connection) as queries:
            page = signed_in.get(reverse("shipping:shipments"))
        assert page.status_code == 200
        return page.content.decode(), [q["sql"] for q in queries.captured_queries]

    _html, one = reads()
    assert len([sql for sql in one if 'FROM "shipping_shipment"' in sql]) == 2
    # The count (on every page, over all the dealer's shipments) joins nothing the rows need (issue 18).
    count = next(sql for sql in one if "COUNT(" in sql and 'FROM "shipping_shipment"' in sql)
    assert "JOIN" not in count
    other_carrier = CarrierFactory(name="Aras Kargo", tracking_url_template="https://aras.example/{code}")
    for n in range(3):
        _shipped(actor, panel, staff, parcels=((f"Q{n}A", "1"), (f"Q{n}B", "1")), status=SS.IN_TRANSIT,
                 carrier=other_carrier)
    _shipped(actor, panel, staff, truck=TRUCK, parcels=(("", "4"),), status=SS.DELIVERED)
    back = _shipped(actor, panel, staff, parcels=(("R1", "1"),), status=SS.PREPARING)
    Shipment.objects.filter(pk=back.pk).update(kind="return")
    html, many = reads()
    assert len(many) == len(one)
    assert html.count('class="tracking-link"') == 2 + 6 + 1
    assert "Own truck" in html and "Return from the dealer" in html and 'href="https://aras.example/Q2B"' in html


def test_every_role_of_the_dealer_sees_the_shipments_page_and_the_header_links_it(
        client, viewer, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    client.force_login(viewer)
    page = client.get(reverse("shipping:shipments"))
    assert page.status_code == 200 and shipment.number in page.content.decode()
    assert f'href="{reverse("shipping:shipments")}" class="nav-shipments"' in page.content.decode()


# --- a shipment's page ------------------------------------------------------------------------------------------------

def test_a_shipment_page_shows_lines_parcels_carrier_and_the_timeline_of_moves_and_events(
        signed_in, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff, quantity=5, shipped=2, parcels=(("YK1", "2.5"), ("YK2", "1")),
                        status=SS.IN_TRANSIT)
    _event(shipment, "in_transit", location="Ankara Aktarma", message="Arrived at the hub", minutes=5)
    _event(shipment, "pre_transit", state=EventState.KEPT, location="İstanbul", message="Late label", minutes=6)
    _event(shipment, "exception", state=EventState.UNMATCHED, message="Not for this shipment", minutes=7)
    html = signed_in.get(reverse("shipping:shipment", args=[shipment.number])).content.decode()
    assert "LED-600" in html and "2 pieces" in html
    assert 'href="https://yk.example/track?code=YK1"' in html and 'href="https://yk.example/track?code=YK2"' in html
    assert "2.5 kg" in html and "Yurtiçi Kargo" in html
    timeline = html[html.index('id="shipment-timeline"'):]
    assert timeline.index("Preparing") < timeline.index("Shipped") < timeline.index("Arrived at the hub")
    assert "Ankara Aktarma" in timeline and "Late label" in timeline and "kept, not applied" in timeline
    assert "Not for this shipment" not in html  # only applied and kept events reach the dealer
    assert "e-İrsaliye" not in html


def test_moves_the_portal_made_from_a_carriers_events_are_told_once_by_the_events(
        signed_in, actor, addresses, panel, staff):
    from shipping.services import apply_events, parse_events, receive_events

    shipment = _shipped(actor, panel, staff)
    later = timezone.now() + datetime.timedelta(seconds=5)
    received = receive_events(source=f"carrier:{shipment.carrier.code}", carrier=shipment.carrier,
                              events=parse_events({"events": [
                                  {"event_id": "d1", "tracking_code": "YK123", "status": "delivered",
                                   "occurred_at": later.isoformat(), "location": "Kadıköy", "message": "Handed over"}]}))
    apply_events(event_ids=received.ids)
    shipment.refresh_from_db()
    assert shipment.status == SS.DELIVERED
    html = signed_in.get(reverse("shipping:shipment", args=[shipment.number])).content.decode()
    timeline = html[html.index('id="shipment-timeline"'):html.index("</ol>", html.index('id="shipment-timeline"'))]
    # Staff's moves (preparing, shipped) and the carrier's event; not the in-between moves the event made.
    assert timeline.count("<li") == 3 and "Handed over" in timeline and "Out for delivery" not in timeline
    assert "Tracking event from" not in html  # the moves' notes stay with staff


def test_an_own_truck_shows_driver_and_plates_never_the_national_id(signed_in, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff, truck=dict(TRUCK, trailer_plate="34 TR 99"), parcels=(("", "500"),))
    html = signed_in.get(reverse("shipping:shipment", args=[shipment.number])).content.decode()
    assert "Ahmet Yılmaz" in html and "34 ABC 123" in html and "34 TR 99" in html
    assert TRUCK["driver_national_id"] not in html
    api = signed_in.get(reverse("api:me-shipment", args=[shipment.number])).json()
    assert api["truck"] == {"driver_name": "Ahmet Yılmaz", "vehicle_plate": "34 ABC 123", "trailer_plate": "34 TR 99"}
    assert TRUCK["driver_national_id"] not in str(api)


def test_the_waybill_is_linked_once_the_shipment_has_its_number(signed_in, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff, status=SS.PREPARING)
    html = signed_in.get(reverse("shipping:shipment", args=[shipment.number])).content.decode()
    assert 'id="shipment-waybill"' not in html
    shipment = _along(shipment, staff, SS.SHIPPED)
    if not Shipment.objects.get(pk=shipment.pk).waybill_number:  # numbered by the waybill's listener when it leaves
        Shipment.objects.filter(pk=shipment.pk).update(waybill_number="IRS-2026-000042")
    shipment.refresh_from_db()
    html = signed_in.get(reverse("shipping:shipment", args=[shipment.number])).content.decode()
    assert f'href="{reverse("shipping:waybill", args=[shipment.number])}" id="shipment-waybill"' in html
    assert shipment.waybill_number in html


def test_staff_see_a_shipment_page_with_the_e_irsaliye_link(staff_client, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    html = staff_client.get(reverse("shipping:shipment", args=[shipment.number])).content.decode()
    assert f'href="{reverse("shipping:despatch_xml", args=[shipment.number])}"' in html


def test_another_dealers_shipment_is_a_404_on_every_page_and_api(
        client, other_owner, actor, addresses, panel, staff, session_api_client):
    shipment = _shipped(actor, panel, staff)
    report_delivery(actor=actor, shipment=shipment, outcome="problems", note="Box crushed",
                    problems=[{"line": shipment.lines.get().pk, "kind": "damaged", "quantity": "1"}],
                    photos=[_photo()])
    photo = DeliveryPhoto.objects.get()
    client.force_login(other_owner)
    for url in [reverse("shipping:shipment", args=[shipment.number]),
                reverse("shipping:delivery_report", args=[shipment.number]),
                reverse("shipping:delivery_photo", args=[photo.pk])]:
        assert client.get(url).status_code == 404, url
    api = session_api_client(other_owner)
    for name in ("api:me-shipment", "api:me-shipment-events"):
        assert api.get(reverse(name, args=[shipment.number])).status_code == 404
    answer = api.post(reverse("api:me-shipment-delivery", args=[shipment.number]), {"outcome": "received"},
                      format="json")
    assert answer.status_code == 404
    assert shipment.number not in str(api.get(reverse("api:me-shipments")).json())


# --- the order page and the dashboard ----------------------------------------------------------------------------------

def test_the_order_page_shows_each_shipment_with_status_parcels_and_a_short_timeline(
        signed_in, actor, addresses, panel, staff):
    first = _shipped(actor, panel, staff, quantity=3, shipped=1, parcels=(("AR1", "1"),), status=SS.IN_TRANSIT)
    _event(first, "in_transit", location="Bursa", message="On the road", minutes=1)
    second = ship(first.order, {first.order.lines.get().pk: 2}, staff=staff, carrier=first.carrier,
                  parcels=[("AR2", "2")])
    html = signed_in.get(first.order.get_absolute_url()).content.decode()
    box = html[html.index('id="order-shipments"'):]
    assert box.index(first.number) < box.index(second.number)
    assert "In transit" in box and "Preparing" in box and "On the road" in box and "Bursa" in box
    assert 'href="https://yk.example/track?code=AR1"' in box and 'href="https://yk.example/track?code=AR2"' in box
    assert reverse("shipping:shipment", args=[first.number]) in box


def test_an_order_without_shipments_has_no_shipments_box(signed_in, actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 1, staff=staff)
    assert 'id="order-shipments"' not in signed_in.get(order.get_absolute_url()).content.decode()


def test_the_dashboard_counts_what_is_on_the_way_and_lists_the_latest(signed_in, actor, addresses, panel, staff):
    on_way = [_shipped(actor, panel, staff, status=status)
              for status in (SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.SHIPPED)]
    delivered = _shipped(actor, panel, staff, status=SS.DELIVERED)
    preparing = _shipped(actor, panel, staff, status=SS.PREPARING)
    html = signed_in.get(reverse("dealers:dashboard")).content.decode()
    box = html[html.index('id="on-the-way"'):]
    assert "4 shipments are on their way to you." in box
    assert on_way[-1].number in box and on_way[0].number not in box  # the latest three
    assert delivered.number not in box and preparing.number not in box
    assert reverse("shipping:shipments") in box


def test_the_dashboard_says_when_nothing_is_on_the_way(signed_in, dealer):
    assert "Nothing is on its way to you right now." in signed_in.get(reverse("dealers:dashboard")).content.decode()


# --- delivery confirmation -------------------------------------------------------------------------------------------

def test_received_on_a_shipment_on_its_way_makes_it_and_its_order_delivered(actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    report = report_delivery(actor=actor, shipment=shipment, outcome="received")
    shipment.refresh_from_db()
    assert shipment.status == SS.DELIVERED and shipment.delivered_at is not None
    assert report.reported_by == actor.user and report.outcome == "received" and not report.on_behalf
    last = shipment.history.order_by("created_at", "pk").last()
    assert last.to_status == SS.DELIVERED and last.by == actor.user
    assert Order.objects.get(pk=shipment.order_id).status == OrderStatus.DELIVERED
    assert AuditEntry.objects.filter(action="shipping.delivery.received", actor=actor.user).exists()
    assert open_delivery_problems().count() == 0


def test_the_dealer_who_reports_received_is_not_mailed_out_for_delivery_or_delivered(actor, addresses, panel,
                                                                                       staff):
    from portal.models import Notification

    shipment = _shipped(actor, panel, staff)
    before = set(Notification.objects.values_list("template", flat=True))
    report_delivery(actor=actor, shipment=shipment, outcome="received")
    new = set(Notification.objects.values_list("template", flat=True)) - before
    assert not {"shipping/shipment_out_for_delivery", "shipping/shipment_delivered"} & new


def test_a_delivered_shipment_only_gets_the_report(actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff, status=SS.DELIVERED)
    moves = shipment.history.count()
    report_delivery(actor=actor, shipment=shipment, outcome="received")
    assert shipment.history.count() == moves


def test_an_agent_reports_for_the_dealer(agent_actor, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    report = report_delivery(actor=agent_actor, shipment=shipment, outcome="received")
    assert report.on_behalf and report.reported_by == agent_actor.user


@pytest.mark.parametrize("role", ["viewer", "finance"])
def test_viewers_and_finance_users_cannot_report(request, role, actor, addresses, panel, staff, client):
    shipment = _shipped(actor, panel, staff)
    user = request.getfixturevalue(role)
    with pytest.raises(DeliveryReportNotAllowed):
        report_delivery(actor=actor_of(user), shipment=shipment, outcome="received")
    client.force_login(user)
    page = client.get(reverse("shipping:shipment", args=[shipment.number]))
    assert page.status_code == 200 and 'id="report-delivery"' not in page.content.decode()
    assert client.post(reverse("shipping:delivery_report", args=[shipment.number]),
                       {"outcome": "received"}).status_code == 403
    assert not DeliveryReport.objects.exists()
    assert Shipment.objects.get(pk=shipment.pk).status == SS.SHIPPED


def test_staff_cannot_report_as_a_dealer(actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    with pytest.raises(DeliveryReportNotAllowed):
        report_delivery(actor=staff, shipment=shipment, outcome="received")


def test_another_dealers_user_is_refused_by_the_service_too(other_owner, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    with pytest.raises(DeliveryReportNotAllowed):
        report_delivery(actor=actor_of(other_owner), shipment=shipment, outcome="received")


def test_a_second_report_is_refused(actor, addresses, panel, staff, buyer):
    shipment = _shipped(actor, panel, staff)
    report_delivery(actor=actor, shipment=shipment, outcome="received")
    with pytest.raises(DeliveryAlreadyReported) as refused:
        report_delivery(actor=actor_of(buyer), shipment=shipment, outcome="received")
    assert refused.value.code == "shipping.delivery_already_reported" and refused.value.conflict
    assert DeliveryReport.objects.count() == 1


@pytest.mark.parametrize("status", [SS.PREPARING, SS.DELIVERY_FAILED, SS.RETURNED])
def test_a_shipment_not_on_its_way_cannot_be_reported(status, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff, status=SS.PREPARING if status == SS.PREPARING else SS.OUT_FOR_DELIVERY)
    if status != SS.PREPARING:
        shipment = _along(shipment, staff, status)
    with pytest.raises(DeliveryNotReportable):
        report_delivery(actor=actor, shipment=shipment, outcome="received")


def test_problems_name_lines_quantities_and_what_happened(actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff, quantity=3)
    line = shipment.lines.get()
    cases = [
        ([{"line": line.pk, "kind": "damaged", "quantity": "4"}], "Box crushed", "the shipment carried 3 pieces"),
        ([{"line": line.pk, "kind": "damaged", "quantity": "2"}, {"line": line.pk, "kind": "missing",
                                                                  "quantity": "2"}], "Two issues", "carried 3"),
        ([{"line": line.pk + 999, "kind": "damaged", "quantity": "1"}], "x", "Choose a line"),
        ([{"line": line.pk, "kind": "stolen", "quantity": "1"}], "x", "choose what the problem is"),
        ([{"line": line.pk, "kind": "damaged", "quantity": "0"}], "x", "above zero"),
        ([{"line": line.pk, "kind": "damaged", "quantity": "1"}], "  ", "Say what happened."),
        ([], "Something", "Choose at least one line"),
    ]
    for problems, note, message in cases:
        with pytest.raises(BadDeliveryReport) as refused:
            report_delivery(actor=actor, shipment=shipment, outcome="problems", note=note, problems=problems)
        assert message in str(refused.value.message), (problems, note)
    assert not DeliveryReport.objects.exists() and Shipment.objects.get(pk=shipment.pk).status == SS.SHIPPED


def test_photos_must_be_images_of_at_most_5_mb_and_at_most_five(actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    problems = [{"line": shipment.lines.get().pk, "kind": "damaged", "quantity": "1"}]
    big = png_bytes((10, 10)) + b"\0" * (5 * 1024 * 1024)
    for photos, message in [([_photo("evil.png", b"<html><script>alert(1)</script></html>")], "is not a photo"),
                            ([_photo("doc.jpg", b"%PDF-1.4\n%\xe2\xe3\n")], "is not a photo"),
                            ([_photo("huge.png", big)], "larger than 5 MB"),
                            ([_photo(f"p{n}.png") for n in range(6)], "At most 5 photos")]:
        with pytest.raises(BadDeliveryPhoto) as refused:
            report_delivery(actor=actor, shipment=shipment, outcome="problems", note="Wet", problems=problems,
                            photos=photos)
        assert message in str(refused.value.message)
    assert not DeliveryReport.objects.exists()


def test_a_report_with_problems_is_kept_for_support_with_its_photos_and_staff_are_told(
        actor, addresses, panel, staff, client, buyer, other_owner):
    from portal.models import Notification

    shipment = _shipped(actor, panel, staff, quantity=3)
    line = shipment.lines.get()
    report = report_delivery(actor=actor, shipment=shipment, outcome="problems", note="Two panels cracked",
                             problems=[{"line": line.pk, "kind": "damaged", "quantity": "2"}],
                             photos=[_photo("a.png"), _photo("b.jpg", content_type="image/jpeg")])
    assert [(p.shipment_line, p.kind, p.quantity) for p in report.problems.all()] == [(line, "damaged",
                                                                                       Decimal("2.000"))]
    assert [photo.file.name.endswith(".png") for photo in report.photos.all()] == [True, True]  # by content
    assert list(open_delivery_problems()) == [report]
    assert list(open_delivery_problems(dealer=other_owner.dealer)) == []
    mail = Notification.objects.filter(template="shipping/staff_delivery_problems").get()
    assert mail.context["number"] == shipment.number and mail.context["problems"][0]["kind"] == "Damaged"
    # The photo is served to the dealer's users, 404 to anyone else.
    photo = report.photos.first()
    client.force_login(buyer)
    served = client.get(reverse("shipping:delivery_photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    page = client.get(reverse("shipping:shipment", args=[shipment.number])).content.decode()
    assert "Received with problems" in page and "Two panels cracked" in page
    assert reverse("shipping:delivery_photo", args=[photo.pk]) in page
    client.force_login(other_owner)
    assert client.get(reverse("shipping:delivery_photo", args=[photo.pk])).status_code == 404


def test_the_delivery_page_confirms_received_with_problems_and_photos(client, buyer, actor, addresses, panel,
                                                                       staff):
    shipment = _shipped(actor, panel, staff, quantity=3)
    line = shipment.lines.get()
    client.force_login(buyer)
    detail = client.get(reverse("shipping:shipment", args=[shipment.number])).content.decode()
    assert f'href="{reverse("shipping:delivery_report", args=[shipment.number])}"' in detail
    url = reverse("shipping:delivery_report", args=[shipment.number])
    form = client.get(url)
    assert form.status_code == 200 and "LED-600" in form.content.decode()
    refused = client.post(url, {"outcome": "problems", f"kind_{line.pk}": "damaged", f"quantity_{line.pk}": "5",
                                "note": "Cracked"})
    assert refused.status_code == 200 and "the shipment carried 3 pieces" in refused.content.decode()
    done = client.post(url, {"outcome": "problems", f"kind_{line.pk}": "missing", f"quantity_{line.pk}": "",
                             "note": "One box never came", "photos": [_photo()]})
    assert done.status_code == 302 and done["Location"] == reverse("shipping:shipment", args=[shipment.number])
    report = DeliveryReport.objects.get()
    assert [(p.kind, p.quantity) for p in report.problems.all()] == [("missing", Decimal("3.000"))]
    assert report.photos.count() == 1 and report.reported_by == buyer
    assert Shipment.objects.get(pk=shipment.pk).status == SS.DELIVERED
    # Asked again: not any more.
    again = client.get(url, follow=True)
    assert "cannot be confirmed (any more)" in again.content.decode()


def test_staff_see_the_report_on_the_shipment_admin_page(staff_client, actor, addresses, panel, staff):
    shipment = _shipped(actor, panel, staff)
    report_delivery(actor=actor, shipment=shipment, outcome="problems", note="Wrong colour",
                    problems=[{"line": shipment.lines.get().pk, "kind": "wrong_item", "quantity": "1"}],
                    photos=[_photo()])
    html = staff_client.get(reverse("admin:shipping_shipment_change", args=[shipment.pk])).content.decode()
    assert "Received with problems" in html and "Wrong colour" in html and "Wrong item" in html
    assert reverse("shipping:delivery_photo", args=[DeliveryPhoto.objects.get().pk]) in html
