"""Returns (issue 14, section 7): an approved return shows the dealer where and how to send its goods; staff make its
return shipment (kind `return`) with a return waybill at once; carrier events track it like any shipment; delivered
back to us, the return is received through orders: restocked, credited (payments' credit note), the dealer mailed."""
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from catalog.models import Product
from orders.errors import ReturnStatusNotAllowed
from orders.models import Order, ReturnStatus
from orders.services import approve_return, receive_return, request_return
from payments.errors import ReturnNotInvoiced
from payments.models import CreditNote, Invoice
from portal.documents import render_pdf
from portal.models import Notification
from portal.outbox import render_notification
from shipping.errors import CarrierOrTruck, ReturnNotApproved, ReturnShipmentExists, ShipmentNotAllowed
from shipping.models import Shipment, ShipmentKind, ShipmentStatus
from shipping.services import (
    create_return_shipment,
    move_shipment,
    parse_events,
    receive_events,
    return_instructions,
    shipped_quantities,
    waybill_context,
)
from shipping.services.tracking import apply_event
from shipping.testing import TRUCK, CarrierFactory, confirmed_order, ship

SS = ShipmentStatus
pytestmark = pytest.mark.django_db
RETURN_ADDRESS = "Anadolu Endüstri A.Ş. İade Deposu\nTuzla OSB 5. Cad. No: 3\n34953 Tuzla İstanbul"


def stock(product) -> Decimal:
    return Product.objects.get(pk=product.pk).stock_quantity


@pytest.fixture
def delivered(actor, addresses, panel, staff, settings):
    """A delivered order of 3 × LED-600 (invoiced), brought by Yurtiçi Kargo."""
    settings.RETURN_ADDRESS = RETURN_ADDRESS
    order = confirmed_order(actor, panel, 3, staff=staff)
    shipment = ship(order, staff=staff, carrier=CarrierFactory(code="yurtici", name="Yurtiçi Kargo"),
                    parcels=[("YK-OUT-1", "6")])
    for to in (SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED):
        shipment = move_shipment(actor=staff, shipment=shipment, to=to)
    order = Order.objects.get(pk=order.pk)
    assert order.status == "delivered" and Invoice.objects.filter(dealer=order.dealer).exists()
    return order


@pytest.fixture
def approved(delivered, actor, staff):
    rma = request_return(actor=actor, line=delivered.lines.get(), quantity=2, reason="Two panels flicker")
    return approve_return(actor=staff, rma=rma)


def _back(staff, rma, **kwargs):
    kwargs.setdefault("carrier", CarrierFactory(code="aras", name="Aras Kargo"))
    kwargs.setdefault("parcels", [("ARAS-RET-1", "4")])
    return create_return_shipment(actor=staff, return_request=rma, **kwargs)


# --- the dealer's instructions ----------------------------------------------------------------------------------------

def test_an_approved_return_shows_where_and_how_to_send_the_goods(signed_in, approved, delivered):
    page = signed_in.get(reverse("orders:order", args=[delivered.number])).content.decode()
    assert f'id="return-instructions-{approved.number}"' in page
    assert f"How to send back return {approved.number}" in page
    assert "Tuzla OSB 5. Cad. No: 3" in page and "34953 Tuzla İstanbul" in page  # where
    assert "Yurtiçi Kargo" in page  # the carrier that brought the goods, until staff say otherwise
    assert "(write it on every parcel)" in page


def test_a_requested_return_has_no_instructions_yet(signed_in, delivered, actor):
    rma = request_return(actor=actor, line=delivered.lines.get(), quantity=1, reason="Scratched")
    assert return_instructions(rma) is None
    page = signed_in.get(reverse("orders:order", args=[delivered.number])).content.decode()
    assert rma.number in page and "return-instructions" not in page


def test_the_return_carrier_setting_names_the_carrier(approved, settings):
    CarrierFactory(code="mng", name="MNG Kargo")
    settings.SHIPPING_RETURN_CARRIER = "mng"
    assert return_instructions(approved).carrier.name == "MNG Kargo"


# --- the return shipment ----------------------------------------------------------------------------------------------

def test_staff_make_the_return_shipment_with_its_waybill_and_the_order_does_not_move(approved, delivered, staff):
    before = shipped_quantities(delivered)
    shipment = _back(staff, approved)
    assert shipment.kind == ShipmentKind.RETURN and shipment.return_request == approved
    assert shipment.status == SS.PREPARING and shipment.dealer == delivered.dealer
    assert [(line.order_line, line.quantity) for line in shipment.lines.all()] == [
        (approved.line, Decimal("2.000"))]
    assert shipment.waybill_number.startswith("IRS-") and shipment.waybill_issued_at is not None
    assert Order.objects.get(pk=delivered.pk).status == "delivered"
    assert shipped_quantities(delivered) == before  # a return never counts as shipped
    mail = Notification.objects.get(template="shipping/return_shipment")
    assert mail.recipient == approved.requested_by.email
    assert mail.context["waybill"] == shipment.waybill_number and mail.context["carrier"] == "Aras Kargo"
    assert mail.context["waybill_url"].endswith(reverse("shipping:waybill", args=[shipment.number]))
    subject, text, html = render_notification(mail)
    assert subject == f"Return {approved.number}: send the goods back with shipment {shipment.number}"
    assert "2 pieces of LED-600" in text and f"Print the return waybill {shipment.waybill_number}" in text
    assert mail.context["waybill_url"] in html
    with pytest.raises(ReturnShipmentExists):
        _back(staff, approved)


def test_only_an_approved_return_gets_a_return_shipment_and_only_from_staff(delivered, actor, staff):
    rma = request_return(actor=actor, line=delivered.lines.get(), quantity=1, reason="Scratched")
    with pytest.raises(ReturnNotApproved):
        _back(staff, rma)
    approve_return(actor=staff, rma=rma)
    with pytest.raises(ShipmentNotAllowed):
        _back(actor, rma)
    with pytest.raises(CarrierOrTruck):
        create_return_shipment(actor=staff, return_request=rma, parcels=[("", "1")])
    by_truck = create_return_shipment(actor=staff, return_request=rma, truck=TRUCK, parcels=[("", "12")])
    assert by_truck.carrier is None and by_truck.vehicle_plate == "34 ABC 123"


def test_the_dealer_sees_the_return_shipment_and_downloads_its_return_waybill(client, signed_in, approved, delivered,
                                                                              staff, owner):
    shipment = _back(staff, approved)
    page = signed_in.get(reverse("orders:order", args=[delivered.number])).content.decode()
    assert shipment.number in page and "Aras Kargo" in page and "ARAS-RET-1" in page
    assert reverse("shipping:waybill", args=[shipment.number]) in page
    assert f"Return waybill {shipment.waybill_number}" in page
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(
        template="pdf/waybill.html", context=waybill_context(shipment), language="en"))).pages)
    flat = "".join(text.split())
    assert f"Returnwaybill{shipment.waybill_number}" in flat and approved.number in text
    assert "SENDER" in text and "RECIPIENT" in text and "TuzlaOSB5.Cad.No:3" in flat
    assert text.index(delivered.dealer.legal_name.split()[0]) < text.index("RECIPIENT")  # the dealer sends


# --- back to us ----------------------------------------------------------------------------------------------------------

def _event(carrier, code, status, minutes, event_id):
    occurred = (datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)
                + datetime.timedelta(minutes=minutes)).isoformat()
    received = receive_events(source=f"carrier:{carrier.code}", carrier=carrier, events=parse_events(
        {"event_id": event_id, "tracking_code": code, "status": status, "occurred_at": occurred}))
    return apply_event(event_id=received.ids[0])


def test_carrier_events_bring_the_return_back_restocked_and_credited(approved, delivered, staff, panel):
    shipment = _back(staff, approved)
    carrier = shipment.carrier
    stock_before = stock(panel)
    assert not CreditNote.objects.filter(return_request=approved).exists()  # approval credits nothing yet
    for minutes, status in enumerate(("in_transit", "out_for_delivery", "delivered")):
        _event(carrier, "ARAS-RET-1", status, minutes, f"ev-{minutes}")
    shipment.refresh_from_db()
    approved.refresh_from_db()
    assert shipment.status == SS.DELIVERED and approved.status == ReturnStatus.RECEIVED
    assert stock(panel) == stock_before + 2
    note = CreditNote.objects.get(return_request=approved)
    assert note.amount == Decimal("240.00")  # 2 × 100.00 + 20 % VAT
    mail = Notification.objects.get(template="orders/return_received", recipient=approved.requested_by.email)
    subject, text, _html = render_notification(mail)
    assert subject == f"Return {approved.number}: goods received"
    assert "(2 pieces of LED-600)" in text and "credited to your account" in text
    assert Order.objects.get(pk=delivered.pk).status == "delivered"
    assert approved.history.order_by("-created_at", "-pk").first().note == (
        f"Return shipment {shipment.number} delivered.")


def test_an_event_of_the_same_code_from_another_carrier_does_not_touch_the_return(approved, staff):
    shipment = _back(staff, approved)
    other = CarrierFactory(code="ptt", name="PTT Kargo")
    applied = _event(other, "ARAS-RET-1", "delivered", 1, "x-1")
    assert applied.state == "unmatched"
    assert Shipment.objects.get(pk=shipment.pk).status == SS.PREPARING


def test_staff_delivering_the_return_shipment_receive_the_return(approved, staff, panel):
    shipment = _back(staff, approved, carrier=None, truck=TRUCK, parcels=[("", "10")])
    stock_before = stock(panel)
    for to in (SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED):
        shipment = move_shipment(actor=staff, shipment=shipment, to=to)
    approved.refresh_from_db()
    assert approved.status == ReturnStatus.RECEIVED and stock(panel) == stock_before + 2
    assert approved.history.order_by("-created_at", "-pk").first().by == staff
    instructions = return_instructions(approved)
    assert instructions.received and instructions.shipment == shipment


def test_goods_handed_in_are_received_by_staff_once(approved, staff, panel, actor):
    stock_before = stock(panel)
    receive_return(actor=staff, rma=approved, note="Brought to the warehouse by the dealer")
    approved.refresh_from_db()
    assert approved.status == ReturnStatus.RECEIVED and stock(panel) == stock_before + 2
    assert CreditNote.objects.filter(return_request=approved).count() == 1
    with pytest.raises(ReturnStatusNotAllowed):
        receive_return(actor=staff, rma=approved)
    assert CreditNote.objects.filter(return_request=approved).count() == 1 and stock(panel) == stock_before + 2
    with pytest.raises(ReturnNotApproved):
        _back(staff, approved)


def test_a_return_credited_at_approval_before_is_not_credited_again(approved, staff):
    """Approved before goods waited to be received (the old rule credited at approval): receiving credits nothing more."""
    from payments.testing import CreditNoteFactory

    earlier = CreditNoteFactory(dealer=approved.order.dealer, return_request=approved, amount=Decimal("240.00"))
    receive_return(actor=staff, rma=approved)
    assert list(CreditNote.objects.filter(return_request=approved)) == [earlier]


def test_receiving_goods_billed_by_a_voided_invoice_is_refused(approved, staff, finance_staff):
    from payments.services import void_invoice

    for invoice in Invoice.objects.filter(dealer=approved.order.dealer):
        void_invoice(actor=finance_staff, invoice=invoice, reason="Wrong address")
    with pytest.raises(ReturnNotInvoiced):
        receive_return(actor=staff, rma=approved)
    approved.refresh_from_db()
    assert approved.status == ReturnStatus.APPROVED


# --- the admin ----------------------------------------------------------------------------------------------------------

def test_the_returns_admin_page_makes_the_return_shipment_and_receives_goods(staff_client, approved):
    page = staff_client.get(reverse("admin:orders_returnrequest_change", args=[approved.pk])).content.decode()
    assert 'id="return-shipments"' in page and "No return shipment yet." in page
    add_url = reverse("admin:shipping_shipment_add_return") + f"?return_number={approved.number}"
    assert add_url in page
    carrier = CarrierFactory(code="surat", name="Sürat Kargo")
    response = staff_client.post(reverse("admin:shipping_shipment_add_return"), {
        "return_number": approved.number, "carrier": carrier.pk, "parcels": "SR-9, 3.5", "save": "1"})
    shipment = Shipment.objects.get(kind=ShipmentKind.RETURN, return_request=approved)
    assert response.status_code == 302 and response["Location"].endswith(f"/{shipment.pk}/change/")
    assert [(p.tracking_code, p.weight_kg) for p in shipment.parcels.all()] == [("SR-9", Decimal("3.500"))]
    page = staff_client.get(reverse("admin:orders_returnrequest_change", args=[approved.pk])).content.decode()
    assert shipment.waybill_number in page and 'aria-disabled="true" id="return-create-shipment"' in page
    # The return's own move: goods received (e.g. handed in at the warehouse).
    assert "Goods received" in page


def test_the_add_return_page_refuses_a_requested_return(staff_client, delivered, actor):
    rma = request_return(actor=actor, line=delivered.lines.get(), quantity=1, reason="Scratched")
    page = staff_client.get(reverse("admin:shipping_shipment_add_return") + f"?return_number={rma.number}")
    assert 'id="return-shipment-blocked"' in page.content.decode()
    response = staff_client.post(reverse("admin:shipping_shipment_add_return"), {
        "return_number": rma.number, "carrier": CarrierFactory().pk, "parcels": "X1, 1", "save": "1"})
    assert response.status_code == 200 and not Shipment.objects.filter(kind=ShipmentKind.RETURN).exists()
