"""The dealer's shipment pages on a phone (390 × 844) in a real Chromium, in Turkish (long words): the shipments list,
a shipment with its timeline, the order page's shipments, the dashboard's "On the way" and the delivery form never
scroll sideways; the dealer confirms a delivery with problems and a photo from the phone."""
import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.testing import png_bytes
from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory, StaffFactory
from orders.testing import actor_of, priced, with_addresses
from portal.testing import log_in
from pricing.testing import PriceListFactory
from shipping.models import DeliveryReport, EventState, ShipmentStatus, TrackingEvent
from shipping.services import move_shipment
from shipping.testing import CarrierFactory, confirmed_order, ship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
SS = ShipmentStatus


def _sideways(page, url) -> str | None:
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    width = page.evaluate("document.documentElement.scrollWidth")
    return None if width <= PHONE["width"] else f"{url} scrolls sideways to {width} px"


def test_shipment_pages_fit_a_phone_and_a_delivery_is_confirmed_from_it(live_server, browser, tmp_path):
    dealer = with_addresses(DealerFactory(legal_name="Karaosmanoğlu Elektrik Aydınlatma Sanayi ve Ticaret Limited "
                                                     "Şirketi", trade_name="Karaosmanoğlu Elektrik Aydınlatma"))
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="sahip@phone-ship.example.com", language="tr")
    staff = StaffFactory()
    product = priced(PriceListFactory(kind="market"), "1765.18", sku="A-0911-111-UZUN-KOD",
                     name="ANADOLU Endüstriyel Yüksek Verimli LED Panel 60x60 4000K Beyaz Çerçeveli")
    carrier = CarrierFactory(name="Yurtiçi Kargo Servisi Anonim Şirketi",
                             tracking_url_template="https://kargo.example/takip?code={code}")
    order = confirmed_order(actor_of(owner), product, 12, staff=staff)
    line = order.lines.get()
    on_way = ship(order, {line.pk: 7}, staff=staff, carrier=carrier,
                  parcels=[("YK1234567890123456", "12.5"), ("YK1234567890123457", "8"), ("YK1234567890123458", "3")])
    for to in (SS.SHIPPED, SS.IN_TRANSIT):
        on_way = move_shipment(actor=staff, shipment=on_way, to=to)
    TrackingEvent.objects.create(
        source="carrier:x", event_id="p1", carrier=carrier, tracking_code="YK1234567890123456", status="in_transit",
        state=EventState.APPLIED, shipment=on_way, occurred_at=timezone.now() + datetime.timedelta(seconds=1),
        location="Gebze Organize Sanayi Bölgesi Transfer Merkezi", message="Gönderi transfer merkezine ulaştı")
    base = live_server.url
    context = browser.new_context(locale="tr-TR", viewport=PHONE)
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        log_in(page, base, owner.email, PASSWORD, dealer.code)
        pages = [reverse("shipping:shipments"), reverse("shipping:shipment", args=[on_way.number]),
                 reverse("shipping:delivery_report", args=[on_way.number]), order.get_absolute_url(),
                 reverse("dealers:dashboard")]
        problems = [problem for path in pages if (problem := _sideways(page, base + path))]
        assert problems == []

        # The delivery form from the phone: received with problems, 2 damaged, what happened, a photo.
        page.goto(base + reverse("shipping:delivery_report", args=[on_way.number]))
        page.locator("input[name=outcome][value=problems]").check()
        page.select_option(f"#id_kind_{on_way.lines.get().pk}", "damaged")
        page.fill(f"#id_quantity_{on_way.lines.get().pk}", "2")
        page.fill("#id_note", "İki panelin camı kırık geldi.")
        photo = Path(tmp_path) / "kirik.png"
        photo.write_bytes(png_bytes((60, 40)))
        page.set_input_files("#id_photos", str(photo))
        with page.expect_navigation():
            page.click("#send-report")
        assert page.url.endswith(reverse("shipping:shipment", args=[on_way.number]))
        report = DeliveryReport.objects.get()
        assert report.outcome == "problems" and report.photos.count() == 1
        assert report.problems.get().quantity == 2
        assert page.locator("#delivery-problems").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        box = page.locator(".delivery-photo img").bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    finally:
        context.close()
