"""The waybill (irsaliye), issue 14 section 3: a shipment that leaves gets a gapless IRS number per year and its PDF
(asked for in the dealer's language, rendered by the worker); the PDF carries number, dates in Istanbul time, seller,
buyer, delivery address, carrier or driver and plates, lines with SKU and unit in the reader's language, parcels and
weight, in Turkish and in Chinese; only who may see the shipment downloads it (another dealer: 404, page and API)."""
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory
from orders.testing import priced, with_addresses
from portal.documents import render_document, render_pdf
from portal.models import Document
from portal.testing import actor_of
from shipping.models import Shipment, ShipmentStatus
from shipping.services import move_shipment, waybill_context, waybill_document
from shipping.testing import NATIONAL_ID, TRUCK, CarrierFactory, confirmed_order, ship

SS = ShipmentStatus
pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeezed(text) -> str:
    """pypdf sets kerned pairs apart ("T ax"): compare without any white space."""
    return re.sub(r"\s+", "", text)


def shipped(order, staff, **kwargs) -> Shipment:
    shipment = ship(order, staff=staff, **kwargs)
    return move_shipment(actor=staff, shipment=shipment, to=SS.SHIPPED)


def at(shipment, moment) -> Shipment:
    """The shipment as if it had left (and its waybill been issued) at `moment`."""
    Shipment.objects.filter(pk=shipment.pk).update(shipped_at=moment, waybill_issued_at=moment)
    return Shipment.objects.get(pk=shipment.pk)


def rendered(shipment) -> Document:
    """The shipment's waybill PDF rendered here as the worker would (the worker itself: test_waybill_worker)."""
    document = waybill_document(shipment)
    render_document(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.last_error
    return document


# --- number and request -------------------------------------------------------------------------------------------

def test_a_shipment_that_leaves_gets_the_next_waybill_number_of_the_year_and_its_pdf_is_asked_for(
        actor, addresses, panel, staff, owner):
    owner.language = "tr"
    owner.save(update_fields=["language"])
    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    first = ship(order, {line.pk: 1}, staff=staff)
    assert first.waybill_number is None and waybill_document(first) is None  # preparing: nothing issued yet
    first = move_shipment(actor=staff, shipment=first, to=SS.SHIPPED)
    year = first.waybill_issued_at.year
    assert first.waybill_number == f"IRS-{year}-000001" and first.waybill_issued_at is not None
    document = waybill_document(first)
    assert document.status == Document.Status.PENDING and document.language == "tr"
    assert document.dealer == order.dealer and "IRS-" in document.title

    second = shipped(order, staff, quantities={line.pk: 2})
    assert second.waybill_number == f"IRS-{year}-000002"
    # Moving on never renumbers nor asks again.
    second = move_shipment(actor=staff, shipment=second, to=SS.IN_TRANSIT)
    assert Shipment.objects.get(pk=second.pk).waybill_number == f"IRS-{year}-000002"
    assert Document.objects.filter(kind="shipping.waybill").count() == 2


def test_a_move_that_rolls_back_gives_its_waybill_number_back(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 2, staff=staff)
    line = order.lines.get()
    first = ship(order, {line.pk: 1}, staff=staff)
    with pytest.raises(RuntimeError), transaction.atomic():
        move_shipment(actor=staff, shipment=first, to=SS.SHIPPED)
        raise RuntimeError("the caller failed after the move")
    assert Shipment.objects.get(pk=first.pk).waybill_number is None
    second = shipped(order, staff, quantities={line.pk: 1})
    assert second.waybill_number.endswith("-000001")


# --- the PDF's text -----------------------------------------------------------------------------------------------

@pytest.fixture
def turkish_shipment(settings, staff, market):
    settings.COMPANY = {**settings.COMPANY, "name": "Anadolu Endüstri A.Ş.", "tax_id": "1234567890",
                        "tax_office": "Büyük Mükellefler"}
    dealer = with_addresses(DealerFactory(legal_name="Kaya Elektrik Ticaret Ltd. Şti.", tax_office="Çankaya",
                                          tax_number="4440001112"))
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, language="tr")
    product = priced(market, "100.00", sku="IŞK-60", name="Işıklı panel 60x60 ğüşiöç", stock_quantity=50)
    order = confirmed_order(actor_of(owner), product, 3, staff=staff)
    shipment = shipped(order, staff, truck={**TRUCK, "trailer_plate": "34 XYZ 99"},
                       parcels=[("", "12.5"), ("", "7.25")])
    return at(shipment, datetime.datetime(2026, 3, 5, 21, 30, tzinfo=datetime.UTC))


def test_the_waybill_pdf_in_turkish_carries_every_field(turkish_shipment):
    shipment = turkish_shipment
    text = pdf_text(render_pdf(template="pdf/waybill.html", context=waybill_context(shipment), language="tr"))
    flat = squeezed(text)
    assert shipment.waybill_number in text and shipment.number in text and shipment.order.number in text
    # Issued and dispatched at 21:30 UTC: 00:30 the next day in Istanbul.
    assert squeezed("06.03.2026 00:30") in flat
    for expected in ("Anadolu Endüstri A.Ş.", "Büyük Mükellefler", "1234567890",           # seller
                     "Kaya Elektrik Ticaret Ltd. Şti.", "Çankaya", "4440001112",           # buyer
                     "Organize Sanayi 3. Cad. No: 7", "Ankara depot",                       # delivery address
                     "Ahmet Yılmaz", NATIONAL_ID, "34 ABC 123", "34 XYZ 99",              # driver and plates
                     "IŞK-60", "Işıklı panel 60x60 ğüşiöç", "3 adet",                     # the line, unit in Turkish
                     "19,75 kg", "Vergi dairesi", "Vergi numarası", "Miktar"):                # weight, Turkish labels
        assert squeezed(expected) in flat, expected
    assert squeezed("Koli sayısı 2") in flat


@pytest.fixture
def chinese_shipment(staff, market):
    dealer = with_addresses(DealerFactory(legal_name="深圳光明电子有限公司", tax_office="深圳税务局",
                                          tax_number="5550001113"))
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, language="zh-hans")
    product = priced(market, "100.00", sku="LED-ZH", name="LED面板 六十厘米", stock_quantity=50)
    order = confirmed_order(actor_of(owner), product, 4, staff=staff)
    shipment = shipped(order, staff, carrier=CarrierFactory(name="顺丰速运"), parcels=[("SF123", "3")])
    return at(shipment, datetime.datetime(2026, 3, 5, 21, 30, tzinfo=datetime.UTC))


def test_the_waybill_pdf_in_chinese_has_cjk_text_and_units_in_chinese(chinese_shipment):
    shipment = chinese_shipment
    assert waybill_document(shipment).language == "zh-hans"  # the dealer's language, as its invoices
    text = pdf_text(render_pdf(template="pdf/waybill.html", context=waybill_context(shipment), language="zh-hans"))
    flat = squeezed(text)
    for expected in (shipment.waybill_number, "2026-03-06 00:30", "深圳光明电子有限公司", "深圳税务局", "5550001113",
                     "LED-ZH", "LED面板六十厘米", "4件", "顺丰速运", "SF123", "税号", "数量"):
        assert squeezed(expected) in flat, expected


def test_a_carrier_waybill_names_the_carrier_and_no_driver(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 1, staff=staff)
    shipment = shipped(order, staff, carrier=CarrierFactory(name="Yurtiçi Kargo"), parcels=[("YK1", "1.5")])
    text = pdf_text(render_pdf(template="pdf/waybill.html", context=waybill_context(shipment), language="en"))
    flat = squeezed(text)
    assert squeezed("Yurtiçi Kargo") in flat and "YK1" in text and "Driver" not in text
    assert "SELLER" in text and "BUYER" in text and "LED-600" in text and squeezed("1 piece") in flat


# --- downloads ------------------------------------------------------------------------------------------------------

@pytest.fixture
def shipment(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 2, staff=staff)
    return shipped(order, staff)


def _get(client, user, shipment):
    client.force_login(user)
    return client.get(reverse("shipping:waybill", args=[shipment.number]))


def test_the_dealers_users_agents_and_staff_download_the_waybill_others_get_404(
        client, shipment, owner, viewer, agent, staff, other_owner, other_agent, plain_staff):
    rendered(shipment)
    for user in (owner, viewer, agent, staff):
        response = _get(client, user, shipment)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert shipment.waybill_number in response["Content-Disposition"]
    for user in (other_owner, other_agent, plain_staff):
        assert _get(client, user, shipment).status_code == 404, user
    client.logout()
    response = client.get(reverse("shipping:waybill", args=[shipment.number]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_staff_who_may_view_shipments_download_it(client, shipment, plain_staff):
    rendered(shipment)
    plain_staff.user_permissions.add(Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Shipment), codename="view_shipment"))
    assert _get(client, plain_staff, shipment).status_code == 200


def test_while_the_pdf_is_rendered_the_reader_is_told_so_and_sent_back(client, shipment, owner):
    response = _get(client, owner, shipment)
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [f"The waybill of shipment {shipment.number} is being prepared; try again in a moment."]


def test_a_failed_rendering_is_asked_for_again_at_the_next_click(client, shipment, owner):
    Document.objects.filter(pk=waybill_document(shipment).pk).update(status=Document.Status.FAILED)
    assert _get(client, owner, shipment).status_code == 302
    assert waybill_document(shipment).status == Document.Status.PENDING
    assert Document.objects.filter(kind="shipping.waybill").count() == 2


def test_a_shipment_not_yet_left_has_no_waybill(client, actor, addresses, panel, staff, owner):
    order = confirmed_order(actor, panel, 1, staff=staff)
    preparing = ship(order, staff=staff)
    response = _get(client, owner, preparing)
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [
        f"Shipment {preparing.number} has not left yet: its waybill is issued when it ships."]


def test_an_unknown_shipment_is_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("shipping:waybill", args=["SHP-2026-999999"])).status_code == 404


# --- the API ---------------------------------------------------------------------------------------------------------

def _api(token_client, user, number):
    return token_client(user, "account").get(f"/api/v1/me/shipments/{number}/waybill/")


def test_the_api_answers_202_while_rendering_then_the_pdf(token_client, shipment, owner):
    response = _api(token_client, owner, shipment.number)
    assert response.status_code == 202 and response["Retry-After"] == "5"
    assert response.json()["code"] == "shipping.waybill_being_prepared"
    rendered(shipment)
    client = token_client(owner, "account")
    response = client.get(f"/api/v1/me/shipments/{shipment.number}/waybill/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_api_refuses_a_waybill_not_issued_yet_and_hides_another_dealers(
        token_client, actor, addresses, panel, staff, owner, other_owner, shipment):
    order = confirmed_order(actor, panel, 1, staff=staff)
    preparing = ship(order, staff=staff)
    response = _api(token_client, owner, preparing.number)
    assert response.status_code == 409 and response.json()["code"] == "shipping.waybill_not_issued"
    rendered(shipment)
    response = token_client(other_owner, "account").get(f"/api/v1/me/shipments/{shipment.number}/waybill/",
                                                        HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_the_shipment_page_and_admin_link_the_waybill(staff_client, shipment):
    response = staff_client.get(reverse("admin:shipping_shipment_change", args=[shipment.pk]))
    assert response.status_code == 200
    assert reverse("shipping:waybill", args=[shipment.number]) in response.content.decode()
    assert reverse("shipping:despatch_xml", args=[shipment.number]) in response.content.decode()


def test_total_weight_and_parcel_count_come_from_the_parcels(actor, addresses, panel, staff):
    order = confirmed_order(actor, panel, 1, staff=staff)
    shipment = shipped(order, staff, parcels=[("A1", "1.25"), ("A2", "2.5"), ("A3", "0.25")])
    context = waybill_context(shipment)
    assert context["parcel_count"] == 3 and context["total_weight"] == Decimal("4.000")
