"""Issue 14 end to end in a real Chromium with a real Celery worker: staff ship part of an order in two parcels from
the shipment admin's add page and move it to shipped; the dealer sees the shipment with its timeline on the order
page and downloads the waybill PDF (rendered by the worker); a carrier's signed webhook call says delivered; the
dealer sees "Delivered" and the shipment's invoice on the order page."""
import datetime
import re
from pathlib import Path

import pytest
from django.test import Client

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory, StaffFactory
from orders.models import Order, OrderStatus
from orders.testing import actor_of, priced, with_addresses
from portal.models import Document
from portal.testing import log_in, wait_until
from pricing.testing import PriceListFactory
from shipping.models import EventState, Shipment, ShipmentStatus, TrackingEvent
from shipping.services import waybill_document
from shipping.testing import carrier_with_secret, confirmed_order, post_webhook, tracking_event

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SS = ShipmentStatus


def _log_in_to_admin(page, base, user):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")


def _shipment_box(page, number):
    return page.locator(f"#order-shipments article.order-shipment[data-number='{number}']")


def test_staff_ship_part_of_an_order_the_dealer_follows_it_to_delivered_with_waybill_and_invoice(
        live_server, page, browser, celery_worker):
    dealer = with_addresses(DealerFactory(legal_name="Karaosmanoğlu Elektrik Ltd. Şti."))
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="owner@journey.example.com")
    staff = StaffFactory(email="depo@portal.example.com", first_name="Selin", last_name="Depo")
    panel = priced(PriceListFactory(kind="market"), "1250.00", sku="LED-600", name="LED panel 60x60")
    carrier = carrier_with_secret(code="yurtici", name="Yurtiçi Kargo",
                                  tracking_url_template="https://kargo.example/takip?code={code}")
    order = confirmed_order(actor_of(owner), panel, 5, staff=staff)
    line = order.lines.get()
    base = live_server.url

    # 1. From the order's admin page, staff create a shipment of 3 of the 5 panels in two parcels by Yurtiçi Kargo
    # (the add page), then ship it.
    _log_in_to_admin(page, base, staff)
    page.goto(f"{base}/admin/orders/order/{order.pk}/change/")
    with page.expect_navigation():
        page.click("#order-create-shipment")
    assert page.input_value(f"#id_line_{line.pk}") in ("5", "5.000")  # the unshipped rest by default
    page.fill(f"#id_line_{line.pk}", "3")
    page.select_option("#id_carrier", label="Yurtiçi Kargo")
    page.fill("#id_parcels", "YK-J-100, 2.5\nYK-J-200, 1.5")
    page.click("input[name=save]")
    page.wait_for_url(re.compile(r".*/admin/shipping/shipment/\d+/change/$"))
    shipment = Shipment.objects.get()
    assert [p.tracking_code for p in shipment.parcels.all()] == ["YK-J-100", "YK-J-200"]
    assert page.inner_text("#status-moves .status-current") == "Preparing"
    with page.expect_navigation():
        page.locator("#status-moves .status-move-shipped").click()
    with page.expect_navigation():
        page.locator(".submit-row input[type=submit]").click()
    assert page.inner_text("#status-moves .status-current") == "Shipped"
    shipment.refresh_from_db()
    assert shipment.status == SS.SHIPPED and shipment.waybill_number
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PARTIALLY_SHIPPED

    # The worker renders the waybill PDF.
    try:
        wait_until(lambda: (waybill_document(shipment) is not None
                            and waybill_document(shipment).status == Document.Status.READY), 120, "the waybill PDF")
    except AssertionError:
        print(celery_worker.output()[-6000:])
        raise

    # 2. The dealer sees the shipment on the order page: status, both parcels linked to the carrier, the timeline.
    dealer_page = browser.new_context(locale="en-US").new_page()
    log_in(dealer_page, base, owner.email, PASSWORD, dealer.code)
    dealer_page.goto(f"{base}/orders/{order.number}/")
    box = _shipment_box(dealer_page, shipment.number)
    assert box.locator(".shipment-status").inner_text() == "Shipped"
    links = box.locator("a.tracking-link")
    assert links.all_inner_texts() == ["YK-J-100", "YK-J-200"]
    assert links.first.get_attribute("href") == "https://kargo.example/takip?code=YK-J-100"
    timeline = box.locator("ol.timeline").inner_text()
    assert "Preparing" in timeline and "Shipped" in timeline
    # ... and downloads the waybill.
    with dealer_page.expect_download() as download:
        box.locator("a.shipment-waybill").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    assert shipment.waybill_number in box.locator("a.shipment-waybill").inner_text()

    # 3. The carrier's signed webhook: in transit at the hub, then delivered and signed for; the worker applies it.
    # (Dated after the shipped move, which the timeline sorts them against.)
    shipped_at = Shipment.objects.get(pk=shipment.pk).shipped_at
    response = post_webhook(Client(), carrier, {"events": [
        tracking_event("YK-J-100", "in_transit", shipped_at + datetime.timedelta(seconds=1), event_id="yk-1",
                       location="Gebze Aktarma", message="Arrived at the transfer centre"),
        tracking_event("YK-J-100", "delivered", shipped_at + datetime.timedelta(seconds=2), event_id="yk-2",
                       location="Kadıköy", message="Handed over", signed_by="Elif Kaya")]})
    assert response.status_code == 202
    try:
        wait_until(lambda: Shipment.objects.get(pk=shipment.pk).status == SS.DELIVERED, 120,
                   "the worker to apply the carrier's events")
    except AssertionError:
        print(celery_worker.output()[-6000:])
        raise
    assert set(TrackingEvent.objects.values_list("state", flat=True)) == {EventState.APPLIED}

    # 4. The dealer sees "Delivered", the carrier's events on the timeline, and the shipment's invoice.
    dealer_page.reload()
    box = _shipment_box(dealer_page, shipment.number)
    assert box.locator(".shipment-status").inner_text() == "Delivered"
    timeline = box.locator("ol.timeline").inner_text()
    assert "Gebze Aktarma" in timeline and "Kadıköy" in timeline and "Handed over" in timeline
    shipment.refresh_from_db()
    assert shipment.invoice is not None
    invoice_link = box.locator("a.shipment-invoice")
    assert invoice_link.inner_text() == f"Invoice {shipment.invoice.number}"
    invoice_link.click()
    dealer_page.wait_for_url(f"**/payments/invoices/{shipment.invoice.number}/")

    # The shipment's own page has the whole timeline, with who signed.
    dealer_page.goto(f"{base}/shipping/shipments/{shipment.number}/")
    full = dealer_page.locator("#shipment-timeline li").all_inner_texts()
    assert [entry.split(" · ")[1] for entry in full] == ["Preparing", "Shipped", "In transit", "Delivered"]
    assert "Gebze Aktarma" in full[2] and "Kadıköy" in full[3]
    assert "signed by Elif Kaya" in dealer_page.inner_text("body")
    dealer_page.context.close()
