"""Admin of tracking (issue 14, section 4): a carrier's webhook secret shown once when made or rotated and never
again; unmatched events listed and assigned to a shipment; a shipment's events on its page."""
import datetime
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEntry
from shipping.models import Carrier, EventState, Shipment, ShipmentStatus, TrackingEvent
from shipping.services import apply_events
from shipping.testing import carrier_with_secret, confirmed_order, post_webhook, ship, tracking_event

SS = ShipmentStatus
pytestmark = pytest.mark.django_db
CARRIERS = reverse("admin:shipping_carrier_changelist")
EVENTS = reverse("admin:shipping_trackingevent_changelist")


def _secret_in(response) -> str:
    found = re.findall(r'class="webhook-secret"[^>]*>([^<]+)<', response.content.decode())
    return found[0] if len(found) == 1 else ""


def test_a_new_carriers_secret_is_shown_once_right_after_saving(staff_client, client):
    response = staff_client.post(reverse("admin:shipping_carrier_add"), {
        "code": "surat", "name": "Sürat Kargo", "tracking_url_template": "https://s.example/{code}", "active": "on"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    carrier = Carrier.objects.get(code="surat")
    secret = _secret_in(response)
    assert secret and secret == carrier.webhook_secret and len(secret) >= 40
    assert "/shipping/webhooks/surat/" in response.content.decode()
    # Never again: not on its change page, not in the list.
    change = staff_client.get(reverse("admin:shipping_carrier_change", args=[carrier.pk])).content.decode()
    assert secret not in change and "A secret is set" in change and "X-Signature" in change
    assert secret not in staff_client.get(CARRIERS).content.decode()
    # And the carrier can sign with it.
    assert post_webhook(client, carrier, tracking_event("S1", "in_transit", event_id="1")).status_code == 202


def test_the_own_truck_gets_no_secret(staff_client):
    response = staff_client.post(reverse("admin:shipping_carrier_add"), {"code": "truck", "name": "Our truck",
                                                                        "own_truck": "on", "active": "on"})
    assert response.status_code == 302
    assert Carrier.objects.get(code="truck").webhook_secret == ""


def test_rotating_shows_the_new_secret_once_and_the_old_one_stops_working(staff_client, client, staff):
    carrier = carrier_with_secret(code="yk")
    old = carrier.webhook_secret
    confirm = staff_client.post(CARRIERS, {"action": "rotate_webhook_secret", ACTION_CHECKBOX_NAME: [carrier.pk]})
    assert confirm.status_code == 200 and "stops working at once" in confirm.content.decode()
    assert Carrier.objects.get(pk=carrier.pk).webhook_secret == old  # not before it is confirmed
    done = staff_client.post(CARRIERS, {"action": "rotate_webhook_secret", ACTION_CHECKBOX_NAME: [carrier.pk],
                                        "apply": "1"})
    carrier.refresh_from_db()
    assert _secret_in(done) == carrier.webhook_secret != old
    assert AuditEntry.objects.filter(action="shipping.carrier.secret_rotated", actor=staff).exists()
    body = tracking_event("Y1", "in_transit", event_id="1")
    assert post_webhook(client, carrier, body, secret=old).status_code == 401
    assert post_webhook(client, carrier, body).status_code == 202


def test_staff_without_the_right_to_change_carriers_cannot_rotate(client, plain_staff):
    from django.contrib.auth.models import Permission

    plain_staff.user_permissions.add(Permission.objects.get(codename="view_carrier"))
    carrier = carrier_with_secret(code="yk")
    client.force_login(plain_staff)
    response = client.post(CARRIERS, {"action": "rotate_webhook_secret", ACTION_CHECKBOX_NAME: [carrier.pk],
                                      "apply": "1"})
    assert response.status_code in (200, 302, 403)
    assert Carrier.objects.get(pk=carrier.pk).webhook_secret == carrier.webhook_secret


@pytest.fixture
def carrier(db):
    return carrier_with_secret(code="mng", name="MNG Kargo")


def _unmatched(client, carrier, code="LOST-1", minutes=-10, event_id="u1", status="in_transit"):
    post_webhook(client, carrier, tracking_event(code, status, timezone.now() + datetime.timedelta(minutes=minutes),
                                                 event_id=event_id))
    apply_events(event_ids=TrackingEvent.objects.values_list("pk", flat=True))
    return TrackingEvent.objects.get(event_id=event_id)


def test_unmatched_events_are_listed_and_staff_assign_them_to_a_shipment(client, staff_client, carrier, actor,
                                                                         addresses, panel, staff):
    order = confirmed_order(actor, panel, 1, staff=staff)
    shipment = ship(order, staff=staff, carrier=carrier, parcels=[("MNG-77", "1")])
    event = _unmatched(client, carrier)  # the carrier mistyped the code
    assert event.state == EventState.UNMATCHED
    listing = staff_client.get(EVENTS, {"state__exact": "unmatched"}).content.decode()
    assert "LOST-1" in listing
    form = staff_client.post(EVENTS, {"action": "assign_to_shipment", ACTION_CHECKBOX_NAME: [event.pk]})
    assert form.status_code == 200 and "shipment_number" in form.content.decode()
    missing = staff_client.post(EVENTS, {"action": "assign_to_shipment", ACTION_CHECKBOX_NAME: [event.pk],
                                         "apply": "1", "shipment_number": "SHP-NONE"})
    assert "No shipment has the number" in missing.content.decode()
    done = staff_client.post(EVENTS, {"action": "assign_to_shipment", ACTION_CHECKBOX_NAME: [event.pk],
                                      "apply": "1", "shipment_number": shipment.number}, follow=True)
    assert "1 events assigned to" in done.content.decode()
    event.refresh_from_db()
    assert (event.state, event.shipment) == (EventState.APPLIED, shipment)
    assert Shipment.objects.get(pk=shipment.pk).status == SS.IN_TRANSIT
    # Assigned once: an applied event is not assigned again.
    again = staff_client.post(EVENTS, {"action": "assign_to_shipment", ACTION_CHECKBOX_NAME: [event.pk],
                                       "apply": "1", "shipment_number": shipment.number}, follow=True)
    assert "Only an unmatched event can be assigned" in again.content.decode()


def test_an_event_is_not_assigned_to_another_carriers_shipment(client, staff_client, carrier, actor, addresses,
                                                               panel, staff):
    order = confirmed_order(actor, panel, 1, staff=staff)
    shipment = ship(order, staff=staff, carrier=carrier_with_secret(code="aras"), parcels=[("A-1", "1")])
    event = _unmatched(client, carrier)
    done = staff_client.post(EVENTS, {"action": "assign_to_shipment", ACTION_CHECKBOX_NAME: [event.pk],
                                      "apply": "1", "shipment_number": shipment.number}, follow=True)
    assert "is not carried by MNG Kargo" in done.content.decode()
    assert TrackingEvent.objects.get(pk=event.pk).state == EventState.UNMATCHED


def test_events_cannot_be_added_edited_or_deleted_in_the_admin(staff_client, client, carrier):
    event = _unmatched(client, carrier)
    assert staff_client.get(reverse("admin:shipping_trackingevent_add")).status_code == 403
    page = staff_client.get(reverse("admin:shipping_trackingevent_change", args=[event.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert "LOST-1" in page.content.decode()
    staff_client.post(EVENTS, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [event.pk], "post": "yes"})
    assert TrackingEvent.objects.filter(pk=event.pk).exists()


def test_a_shipments_page_shows_its_events_applied_and_kept(client, staff_client, carrier, actor, addresses, panel,
                                                            staff):
    order = confirmed_order(actor, panel, 1, staff=staff)
    shipment = ship(order, staff=staff, carrier=carrier, parcels=[("MNG-1", "1")])
    post_webhook(client, carrier, tracking_event("MNG-1", "delivered", timezone.now() - datetime.timedelta(
        minutes=5), event_id="d", message="Teslim edildi"))
    post_webhook(client, carrier, tracking_event("MNG-1", "in_transit", timezone.now() - datetime.timedelta(
        hours=2), event_id="late", message="Transfer merkezi"))
    apply_events(event_ids=TrackingEvent.objects.filter(event_id="d").values_list("pk", flat=True))
    apply_events(event_ids=TrackingEvent.objects.filter(event_id="late").values_list("pk", flat=True))
    page = staff_client.get(reverse("admin:shipping_shipment_change", args=[shipment.pk])).content.decode()
    assert "Teslim edildi" in page and "Transfer merkezi" in page
    assert "Kept, not applied" in page and "Late:" in page
