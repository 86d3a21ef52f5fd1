"""The dealer is told once per shipment and status that matters (shipped, out for delivery, delivered, delivery failed),
whatever moved it: staff in the admin, the ERP's API, a carrier's webhook (issue 14, section 4). The mail lists that
shipment's parcels and tracking links only."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dealers.testing import DealerUserFactory
from portal.models import ApiToken, Notification
from portal.outbox import render_notification
from shipping.models import Shipment, ShipmentNotice, ShipmentStatus, TrackingEvent
from shipping.services import apply_events, move_shipment
from shipping.testing import carrier_with_secret, confirmed_order, post_webhook, ship, tracking_event

SS = ShipmentStatus
pytestmark = pytest.mark.django_db


def _at(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


@pytest.fixture
def carrier(db):
    return carrier_with_secret(code="aras", name="Aras Kargo", tracking_url_template="https://kargo.example/t?no={code}")


@pytest.fixture
def order(actor, addresses, panel, staff):
    return confirmed_order(actor, panel, 4, staff=staff)


def _mails(template=None):
    rows = Notification.objects.filter(template__startswith="shipping/shipment_")
    return rows.filter(template=template) if template else rows


def _apply():
    apply_events(event_ids=TrackingEvent.objects.values_list("pk", flat=True))


def test_one_mail_per_status_whether_staff_the_erp_or_a_carrier_moved_it(client, order, staff, carrier,
                                                                         token_client, owner):
    shipment = ship(order, staff=staff, carrier=carrier, parcels=[("AR-1", "3")])
    # Staff in the admin: shipped, in transit, out for delivery.
    staff_client = client
    staff_client.force_login(staff)
    for to in (SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY):
        response = staff_client.post(reverse("admin:shipping_shipment_move", args=[shipment.pk, to]), {"note": ""})
        assert response.status_code == 302
    assert Shipment.objects.get(pk=shipment.pk).status == SS.OUT_FOR_DELIVERY
    assert sorted(_mails().values_list("template", flat=True)) == [
        "shipping/shipment_out_for_delivery", "shipping/shipment_shipped"]
    # The ERP says the same; then the carrier's webhook says it too: nothing moves, nobody is mailed again.
    api = token_client(None, ApiToken.Scope.SHIPPING_WRITE)
    api.post(reverse("api:shipment-events", kwargs={"number": shipment.number}),
             {"event_id": "erp-7", "status": "out_for_delivery", "occurred_at": _at(-3).isoformat()}, format="json")
    post_webhook(client, carrier, tracking_event("AR-1", "out_for_delivery", _at(-2), event_id="c-7"))
    _apply()
    assert _mails("shipping/shipment_out_for_delivery").count() == 1
    # A failed delivery is told once; the second attempt's "out for delivery" is not told again; delivered is.
    post_webhook(client, carrier, {"events": [
        tracking_event("AR-1", "delivery_failed", _at(-1), event_id="c-8"),
        tracking_event("AR-1", "in_transit", _at(0), event_id="c-9"),
        tracking_event("AR-1", "out_for_delivery", _at(1), event_id="c-10")]})
    _apply()
    api.post(reverse("api:shipment-events", kwargs={"number": shipment.number}),
             {"event_id": "erp-8", "status": "delivered", "occurred_at": _at(2).isoformat(), "signed_by": "Ali V."},
             format="json")
    post_webhook(client, carrier, tracking_event("AR-1", "delivered", _at(2), event_id="c-11"))
    _apply()
    assert Shipment.objects.get(pk=shipment.pk).status == SS.DELIVERED
    per_template = {template: _mails(template).count() for template in _mails().values_list("template", flat=True)}
    assert per_template == {"shipping/shipment_shipped": 1, "shipping/shipment_out_for_delivery": 1,
                            "shipping/shipment_delivery_failed": 1, "shipping/shipment_delivered": 1}
    assert set(ShipmentNotice.objects.filter(shipment=shipment).values_list("status", flat=True)) == {
        SS.SHIPPED, SS.OUT_FOR_DELIVERY, SS.DELIVERY_FAILED, SS.DELIVERED}
    assert set(_mails().values_list("recipient", flat=True)) == {owner.email}


def test_one_event_that_walks_a_shipment_through_several_statuses_sends_one_mail(client, order, staff, carrier):
    shipment = ship(order, staff=staff, carrier=carrier, parcels=[("AR-5", "1")])
    post_webhook(client, carrier, tracking_event("AR-5", "delivered", _at(-1), event_id="only"))
    _apply()
    assert Shipment.objects.get(pk=shipment.pk).status == SS.DELIVERED
    assert list(_mails().values_list("template", flat=True)) == ["shipping/shipment_delivered"]
    # The statuses it passed count as told: nothing mails them later.
    assert set(ShipmentNotice.objects.values_list("status", flat=True)) == {SS.SHIPPED, SS.OUT_FOR_DELIVERY,
                                                                           SS.DELIVERED}


def test_the_mail_lists_only_that_shipments_parcels_and_their_tracking_links(order, staff, carrier):
    line = order.lines.get()
    first = ship(order, {line.pk: 1}, staff=staff, carrier=carrier, parcels=[("AR-FIRST-1", "2.5"),
                                                                              ("AR-FIRST-2", "1")])
    second = ship(order, {line.pk: 3}, staff=staff, carrier=carrier, parcels=[("AR-SECOND-1", "7")])
    move_shipment(actor=staff, shipment=first, to=SS.SHIPPED)
    move_shipment(actor=staff, shipment=second, to=SS.SHIPPED)
    first_mail = _mails().get(context__number=first.number)
    subject, text, html = render_notification(first_mail)
    assert subject == f"Shipment {first.number} of order {order.number} is on its way"
    for body in (text, html):
        assert "AR-FIRST-1" in body and "AR-FIRST-2" in body and "AR-SECOND-1" not in body
        assert "https://kargo.example/t?no=AR-FIRST-1" in body and "https://kargo.example/t?no=AR-FIRST-2" in body
        assert "2.5 kg" in body and "Aras Kargo" in body and order.number in body
        assert "2 parcels in this shipment" in body
    # Absolute links to the shipment's page, its waybill and the order.
    assert f"/shipping/shipments/{first.number}/" in text and text.count("http://") >= 3
    assert f"/shipping/shipments/{first.number}/waybill/" in text
    assert order.get_absolute_url() in text
    _s, second_text, _h = render_notification(_mails().get(context__number=second.number))
    assert "AR-SECOND-1" in second_text and "AR-FIRST" not in second_text


def test_the_order_placer_and_those_who_approve_orders_hear_in_their_language(actor, addresses, panel, staff,
                                                                              dealer, owner, carrier):
    buyer = DealerUserFactory(dealer=dealer, role="buyer", language="tr")
    approver = DealerUserFactory(dealer=dealer, role="approver", language="bg")
    DealerUserFactory(dealer=dealer, role="viewer")
    DealerUserFactory(dealer=dealer, role="finance")
    DealerUserFactory(dealer=dealer, role="owner", is_active=False)
    from portal.testing import actor_of

    order = confirmed_order(actor_of(buyer), panel, 1, staff=staff)
    shipment = ship(order, staff=staff, carrier=carrier)
    move_shipment(actor=staff, shipment=shipment, to=SS.SHIPPED)
    assert sorted(_mails().values_list("recipient", "language")) == sorted([
        (owner.email, owner.language or "en"), (buyer.email, "tr"), (approver.email, "bg")])


def test_delivered_says_who_signed(client, order, staff, carrier):
    shipment = ship(order, staff=staff, carrier=carrier, parcels=[("AR-9", "1")])
    post_webhook(client, carrier, tracking_event("AR-9", "delivered", _at(-1), event_id="d", signed_by="Zeynep T."))
    _apply()
    _s, text, html = render_notification(_mails("shipping/shipment_delivered").get())
    assert "Zeynep T. signed for it." in text and "Zeynep T. signed for it." in html
    assert Shipment.objects.get(pk=shipment.pk).received_by == "Zeynep T."


def test_the_own_truck_mail_has_its_plate_and_parcels_without_codes(order, staff):
    from shipping.testing import TRUCK

    shipment = ship(order, staff=staff, truck=TRUCK, parcels=[("", "500")])
    move_shipment(actor=staff, shipment=shipment, to=SS.SHIPPED)
    _s, text, _h = render_notification(_mails().get())
    assert "Our own truck brings it (plate 34 ABC 123)." in text and "Parcel 1 · 500 kg" in text
    assert "Track it" not in text


def test_a_return_shipment_mails_nobody(order, staff, carrier):
    shipment = ship(order, staff=staff, carrier=carrier)
    Shipment.objects.filter(pk=shipment.pk).update(kind="return")
    move_shipment(actor=staff, shipment=Shipment.objects.get(pk=shipment.pk), to=SS.SHIPPED)
    assert not _mails().exists() and not ShipmentNotice.objects.exists()


def test_in_transit_and_returned_are_not_mailed(order, staff, carrier):
    shipment = ship(order, staff=staff, carrier=carrier)
    for to in (SS.SHIPPED, SS.IN_TRANSIT, SS.RETURNED):
        move_shipment(actor=staff, shipment=shipment, to=to)
    assert list(_mails().values_list("template", flat=True)) == ["shipping/shipment_shipped"]


def test_every_shipment_mail_renders_in_every_language(order, staff, carrier, owner):
    shipment = ship(order, staff=staff, carrier=carrier, parcels=[("AR-1", "1.25")])
    for to in (SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERY_FAILED, SS.IN_TRANSIT,
               SS.OUT_FOR_DELIVERY, SS.DELIVERED):
        move_shipment(actor=staff, shipment=shipment, to=to)
    assert _mails().count() == 4
    for language in ("en", "tr", "bg", "vi", "zh-hans"):
        for row in _mails():
            row.language = language
            subject, text, html = render_notification(row)
            assert shipment.number in subject and "AR-1" in text and "AR-1" in html


def test_a_weight_is_written_as_the_reader_writes_it(order, staff, carrier, owner):
    from dealers.models import User

    User.objects.filter(pk=owner.pk).update(language="tr")
    shipment = ship(order, staff=staff, carrier=carrier, parcels=[("AR-1", "1.25")])
    move_shipment(actor=staff, shipment=shipment, to=SS.SHIPPED)
    _s, text, _h = render_notification(_mails().get())
    assert "1,25 kg" in text


def test_the_order_following_its_shipment_does_not_mail_the_same_news_twice(order, staff, carrier):
    # The shipment's mail says the order shipped (with its parcels) and was delivered: orders' own "Order …:
    # Shipped/Delivered" mail would tell the dealer the same thing a second time.
    shipment = ship(order, staff=staff, carrier=carrier, parcels=[("AR-9", "2")])
    for to in (SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED):
        move_shipment(actor=staff, shipment=shipment, to=to)
    order.refresh_from_db()
    assert order.status == "delivered"
    order_mails = Notification.objects.filter(template="orders/status_changed")
    assert not order_mails.filter(context__status_label__in=["Shipped", "Partially shipped", "Delivered"]).exists()
    assert sorted(_mails().values_list("template", flat=True).distinct()) == [
        "shipping/shipment_delivered", "shipping/shipment_out_for_delivery", "shipping/shipment_shipped"]


def test_an_order_back_to_processing_after_a_returned_shipment_is_still_mailed(order, staff, carrier):
    shipment = ship(order, staff=staff, carrier=carrier, parcels=[("AR-8", "2")])
    move_shipment(actor=staff, shipment=shipment, to=SS.SHIPPED)
    move_shipment(actor=staff, shipment=shipment, to=SS.RETURNED)
    order.refresh_from_db()
    assert order.status == "processing"
    assert Notification.objects.filter(template="orders/status_changed", context__status_label="Processing").exists()
