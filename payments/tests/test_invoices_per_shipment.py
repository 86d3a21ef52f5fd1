"""Invoices per shipment (issue 14, section 6): with INVOICE_ON=shipped each shipment is invoiced for what it carries
when it leaves, the shipping charge on the first one; the parts add up exactly to the order; the dealer's credit
exposure counts the uninvoiced rest, so it stays at the order's total until payments (less what was short-shipped);
a voided part is reissued for the same shipment; an order shipped by staff without a shipment, or invoiced at
confirmation, keeps one invoice of the whole order."""
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order, OrderLine
from orders.services import ordering, returns, set_status
from orders.testing import actor_of
from payments.errors import ReturnNotInvoiced
from payments.models import CreditAccount, CreditNote, Invoice, InvoiceStatus
from payments.services import allocation, cards, credit, invoices, statements
from payments.testing import FinanceStaffFactory
from pricing.testing import PriceListFactory
from shipping.models import RateKind, Shipment, ShipmentStatus
from shipping.services import move_shipment
from shipping.testing import method_with, ship

D = Decimal
SS = ShipmentStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def account(dealer):
    return CreditAccount.objects.create(dealer=dealer, credit_limit=D("100000.00"), payment_terms_days=30)


@pytest.fixture
def road(dealer):
    """120.00 net flat at 10 % VAT: 132.00 of shipping on every order."""
    return method_with({"kind": RateKind.FLAT, "price": "120.00"}, code="road", name_en="Road", name_tr="Karayolu",
                       vat_rate=D("10.00"))


@pytest.fixture
def lamp(db):
    """33.33 net a piece at 20 % VAT: seven of them (233.31 net, 46.66 VAT) do not split evenly into parts."""
    from orders.testing import priced

    return priced(PriceListFactory(kind="market"), "33.33", sku="LAMP-7", name="Desk lamp", stock_quantity=1000)


def _order(actor, staff, lines, **checkout):
    order = ordering.place_order(actor=actor, lines=lines,
                                 checkout=ordering.Checkout(shipping_method="road", **checkout))
    return set_status(actor=staff, order=order, status="confirmed")


def _leave(order, quantities, staff):
    """A shipment of `quantities` {line: quantity} that leaves now; returned fresh."""
    shipment = ship(order, {line.pk: quantity for line, quantity in quantities.items()}, staff=staff)
    move_shipment(actor=staff, shipment=shipment, to=SS.SHIPPED)
    return Shipment.objects.select_related("invoice").get(pk=shipment.pk)


def _totals(rows):
    return (sum((i.total_net for i in rows), D("0")), sum((i.total_vat for i in rows), D("0")),
            sum((i.total_gross for i in rows), D("0")))


def test_an_order_shipped_in_three_parts_has_three_invoices_adding_up_exactly(actor, addresses, account, road, lamp,
                                                                             panel, staff):
    order = _order(actor, staff, [(lamp, 7), (panel, 2)])
    lamp_line, panel_line = order.lines.get(sku="LAMP-7"), order.lines.get(sku="LED-600")
    assert (lamp_line.line_net, lamp_line.line_vat) == (D("233.31"), D("46.66"))
    first = _leave(order, {lamp_line: 2, panel_line: 1}, staff)
    second = _leave(order, {lamp_line: 2}, staff)
    third = _leave(order, {lamp_line: 3, panel_line: 1}, staff)

    parts = [first.invoice, second.invoice, third.invoice]
    assert all(invoice is not None for invoice in parts) and len({i.pk for i in parts}) == 3
    assert list(Invoice.objects.filter(order=order).order_by("pk")) == parts
    assert [i.part for i in parts] == [first.number, second.number, third.number]
    # Each invoice bills what its shipment carried, at the line's price; the shipping charge only on the first.
    assert [[(line.sku, line.quantity) for line in i.lines.all()] for i in parts] == [
        [("LAMP-7", 2), ("LED-600", 1), (invoices.SHIPPING_SKU, 1)], [("LAMP-7", 2)], [("LAMP-7", 3), ("LED-600", 1)]]
    # The lamp's net and VAT pro rata, the last part taking what rounding left: 66.66 + 66.66 + 99.99 = 233.31.
    lamp_rows = [i.lines.get(sku="LAMP-7") for i in parts]
    assert [(row.unit_price, row.line_net, row.line_vat) for row in lamp_rows] == [
        (D("33.33"), D("66.66"), D("13.33")), (D("33.33"), D("66.66"), D("13.33")),
        (D("33.33"), D("99.99"), D("20.00"))]
    assert sum(row.line_net for row in lamp_rows) == lamp_line.line_net
    assert sum(row.line_vat for row in lamp_rows) == lamp_line.line_vat
    for invoice in parts:
        assert invoice.total_gross == invoice.total_net + invoice.total_vat == sum(
            line.line_net + line.line_vat for line in invoice.lines.all())
        assert invoice.status == InvoiceStatus.OPEN
    order = Order.objects.get(pk=order.pk)
    assert order.status == "shipped"
    assert _totals(parts) == (order.total_net, order.total_vat, order.total_gross)
    assert parts[0].lines.get(sku=invoices.SHIPPING_SKU).line_net == D("120.00")


def test_exposure_stays_the_order_total_before_during_and_after_its_shipments_until_paid(actor, addresses, account,
                                                                                        road, panel, staff):
    order = _order(actor, staff, [(panel, 10)])
    line = order.lines.get()
    assert order.total_gross == D("1200.00") + D("132.00")
    assert credit.exposure(actor.dealer) == order.total_gross
    first = _leave(order, {line: 4}, staff)
    assert first.invoice.total_gross == D("480.00") + D("132.00")  # 4 of 10, and the shipping charge
    assert credit.exposure(actor.dealer) == order.total_gross
    assert credit.uninvoiced_rest(order) == D("720.00")
    second = _leave(order, {line: 6}, staff)
    assert second.invoice.total_gross == D("720.00")
    assert first.invoice.total_gross + second.invoice.total_gross == order.total_gross
    assert credit.exposure(actor.dealer) == order.total_gross
    assert credit.uninvoiced_rest(order) == 0
    # The list of accounts counts it the same way, in SQL.
    assert credit.with_exposure(CreditAccount.objects.filter(pk=account.pk)).get().exposure == order.total_gross
    # Payments lower it.
    allocation.record_payment(actor=FinanceStaffFactory(), dealer=actor.dealer, amount=D("612.00"), kind="wire",
                              received_on=first.invoice.issue_date)
    assert credit.exposure(actor.dealer) == D("720.00")


def test_short_shipping_lowers_the_exposure_by_what_will_never_ship(actor, addresses, account, road, lamp, staff):
    order = _order(actor, staff, [(lamp, 10)])
    line = order.lines.get()  # 333.30 net, 66.66 VAT
    total = order.total_gross
    _leave(order, {line: 4}, staff)
    assert credit.exposure(actor.dealer) == total
    # Staff cancel 3 of the 6 left (shipping's short-shipping service sets the line's cancelled quantity).
    OrderLine.objects.filter(pk=line.pk).update(short_shipped_quantity=D("3"))
    line.refresh_from_db()
    three = credit.short_shipped_value(line)
    assert three == line.line_gross - credit.pro_rata(line.line_net, D("7"), D("10")) - credit.pro_rata(
        line.line_vat, D("7"), D("10")) == D("99.99") + D("20.00")  # 3 × 33.33 and its VAT
    assert credit.exposure(actor.dealer) == total - three
    assert credit.with_exposure(CreditAccount.objects.filter(pk=account.pk)).get().exposure == total - three
    last = _leave(order, {line: 3}, staff)
    invoiced = Invoice.objects.filter(order=order)
    assert invoiced.count() == 2 and last.invoice.total_gross == D("99.99") + D("20.00")
    assert credit.uninvoiced_rest(order) == 0
    assert credit.exposure(actor.dealer) == _totals(invoiced)[2] == total - three


def test_a_void_part_is_reissued_for_the_same_shipment_with_its_shipping_charge(actor, addresses, account, road,
                                                                                lamp, staff, finance_staff):
    order = _order(actor, staff, [(lamp, 7)])
    line = order.lines.get()
    first = _leave(order, {line: 3}, staff)
    second = _leave(order, {line: 4}, staff)
    voided = first.invoice
    before = credit.exposure(actor.dealer)
    invoices.void_invoice(actor=finance_staff, invoice=voided, reason="Wrong tax office", reissue=True)
    voided.refresh_from_db()
    first.refresh_from_db()
    assert voided.status == InvoiceStatus.VOID and voided.order is None and voided.voided_order == order
    new = first.invoice
    assert new != voided and new.part == first.number and new.status == InvoiceStatus.OPEN
    assert [(row.sku, row.quantity, row.line_net, row.line_vat) for row in new.lines.all()] == [
        (row.sku, row.quantity, row.line_net, row.line_vat) for row in voided.lines.all()]
    assert new.lines.filter(sku=invoices.SHIPPING_SKU).exists()
    assert Shipment.objects.get(pk=second.pk).invoice == second.invoice  # the other part is untouched
    live = Invoice.objects.filter(order=order)
    assert _totals(live)[2] == order.total_gross and credit.exposure(actor.dealer) == before


def test_staff_reissue_a_part_voided_earlier_from_its_admin_page(actor, addresses, account, road, lamp, staff,
                                                                 staff_client):
    order = _order(actor, staff, [(lamp, 7)])
    line = order.lines.get()
    first = _leave(order, {line: 3}, staff)
    _leave(order, {line: 4}, staff)
    voided = first.invoice
    total = credit.exposure(actor.dealer)
    invoices.void_invoice(actor=staff, invoice=voided, reason="Wrong address")
    # Void, not reissued yet: its goods count as not invoiced, so the exposure does not move.
    assert Shipment.objects.get(pk=first.pk).invoice == voided
    assert credit.uninvoiced_rest(order) == voided.total_gross and credit.exposure(actor.dealer) == total
    page = staff_client.get(reverse("admin:payments_invoice_change", args=[voided.pk])).content.decode()
    assert ">Reissue for the same goods<" in page
    url = reverse("admin:payments_invoice_move", args=[voided.pk, "reissue"])
    assert "for an invoice of a shipment, that shipment" in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"apply": "1"}, follow=True)
    new = Shipment.objects.get(pk=first.pk).invoice
    assert new != voided and new.part == first.number and new.total_gross == voided.total_gross
    assert f"Invoice {new.number} is issued in its place." in response.content.decode()
    assert credit.exposure(actor.dealer) == total and credit.uninvoiced_rest(order) == 0
    # Once replaced, the button is gone and a second reissue returns the same invoice.
    page = staff_client.get(reverse("admin:payments_invoice_change", args=[voided.pk])).content.decode()
    assert "/move/reissue/" not in page
    assert invoices.reissue_invoice(actor=staff, invoice=voided) == new


def test_with_invoice_on_confirmed_the_whole_order_is_invoiced_and_shipments_get_none(
        actor, addresses, account, road, panel, staff, settings):
    settings.INVOICE_ON = "confirmed"
    order = _order(actor, staff, [(panel, 10)])
    whole = Invoice.objects.get(order=order)
    assert whole.part == "" and whole.total_gross == order.total_gross
    line = order.lines.get()
    first = _leave(order, {line: 4}, staff)
    second = _leave(order, {line: 6}, staff)
    assert first.invoice is None and second.invoice is None
    assert list(Invoice.objects.filter(order=order)) == [whole]
    assert credit.exposure(actor.dealer) == order.total_gross


def test_an_order_moved_to_shipped_without_shipments_has_one_invoice_of_the_whole_order(actor, addresses, account,
                                                                                       road, panel, staff):
    order = _order(actor, staff, [(panel, 3)])
    set_status(actor=staff, order=order, status="shipped")
    invoice = Invoice.objects.get(order=order)
    assert invoice.part == "" and invoice.total_gross == order.total_gross
    assert [(line.sku, line.quantity) for line in invoice.lines.all()] == [("LED-600", 3), (invoices.SHIPPING_SKU, 1)]
    assert credit.exposure(actor.dealer) == order.total_gross


def test_a_wire_transfer_recorded_for_the_order_pays_each_part_as_it_is_invoiced(actor, addresses, road, panel,
                                                                                 staff):
    order = ordering.place_order(actor=actor, lines=[(panel, 10)],
                                 checkout=ordering.Checkout(shipping_method="road", payment_method="wire"))
    payment = allocation.record_payment(actor=FinanceStaffFactory(), dealer=actor.dealer, amount=order.total_gross,
                                        kind="wire", received_on=order.created_at.date(), order=order)
    order = set_status(actor=staff, order=order, status="confirmed")
    line = order.lines.get()
    first = _leave(order, {line: 4}, staff)
    assert first.invoice.status == InvoiceStatus.PAID
    # What is left is kept for the order's later shipments, not spent on other invoices of the dealer.
    assert allocation.reserved_for(Order.objects.get(pk=order.pk).payments.get()) is not None
    second = _leave(order, {line: 6}, staff)
    assert second.invoice.status == InvoiceStatus.PAID
    payment.refresh_from_db()
    assert payment.unallocated == 0


def test_the_order_page_lists_every_invoice_of_the_order(actor, addresses, account, road, panel, staff, client,
                                                         owner, finance_staff):
    order = _order(actor, staff, [(panel, 10)])
    line = order.lines.get()
    first = _leave(order, {line: 4}, staff)
    second = _leave(order, {line: 6}, staff)
    invoices.void_invoice(actor=finance_staff, invoice=first.invoice, reason="Wrong address", reissue=True)
    reissued = Shipment.objects.get(pk=first.pk).invoice
    client.force_login(owner)
    page = client.get(order.get_absolute_url()).content.decode()
    listing = page.split('id="order-invoices"', 1)[1].split("</ul>", 1)[0]
    for invoice in (first.invoice, second.invoice, reissued):
        assert f'data-number="{invoice.number}"' in listing
    assert f"shipment {first.number}" in listing and f"shipment {second.number}" in listing
    assert "Void" in listing and ">Invoices<" in page


def test_the_dealers_invoice_list_page_and_api_show_each_part(actor, addresses, account, road, panel, staff, client,
                                                              owner):
    order = _order(actor, staff, [(panel, 10)])
    line = order.lines.get()
    first = _leave(order, {line: 4}, staff)
    second = _leave(order, {line: 6}, staff)
    client.force_login(owner)
    body = client.get(reverse("payments:invoices")).content.decode()
    assert first.invoice.number in body and second.invoice.number in body and f"shipment {second.number}" in body
    rows = {row["number"]: row for row in client.get(reverse("api:me-invoices")).json()["results"]}
    assert rows[first.invoice.number]["order"] == rows[second.invoice.number]["order"] == order.number
    assert rows[first.invoice.number]["shipment"] == first.number
    assert rows[second.invoice.number]["total_gross"] == "720.00"
    detail = client.get(reverse("api:me-invoice", args=[second.invoice.number])).json()
    assert detail["shipment"] == second.number and [row["quantity"] for row in detail["lines"]] == ["6.000"]
    page = client.get(reverse("payments:invoice", args=[first.invoice.number])).content.decode()
    assert f'id="invoice-part">{first.number}<' in page
    day = first.invoice.issue_date
    rows = statements.build_statement(dealer=actor.dealer, date_from=day, date_to=day).rows
    assert f"Invoice for order {order.number}, shipment {second.number}" in [row.description for row in rows]


def test_a_return_is_credited_against_the_invoice_of_the_shipment_that_carried_it(actor, addresses, account, road,
                                                                                  lamp, panel, staff, finance_staff):
    order = _order(actor, staff, [(lamp, 3), (panel, 2)])
    lamp_line, panel_line = order.lines.get(sku="LAMP-7"), order.lines.get(sku="LED-600")
    lamps = _leave(order, {lamp_line: 3}, staff)
    panels = _leave(order, {panel_line: 2}, staff)
    for shipment in (lamps, panels):
        for to in (SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED):
            move_shipment(actor=staff, shipment=shipment, to=to)
    assert Order.objects.get(pk=order.pk).status == "delivered"
    invoices.void_invoice(actor=finance_staff, invoice=panels.invoice, reason="Wrong address")
    rma = returns.request_return(actor=actor_of(actor.user), line=panel_line, quantity=1, reason="Broken")
    # The lamps' invoice is live, but no live invoice bills the panels: nothing to credit them against.
    with pytest.raises(ReturnNotInvoiced):
        returns.approve_return(actor=staff, rma=rma)
    reissued = invoices.reissue_invoice(actor=finance_staff, invoice=panels.invoice)
    returns.approve_return(actor=staff, rma=rma)
    returns.receive_return(actor=staff, rma=rma)
    note = CreditNote.objects.get(return_request=rma)
    assert note.amount == D("120.00") and note.allocations.get().invoice == reissued
    assert Invoice.objects.get(pk=lamps.invoice.pk).settled == 0


def test_a_card_order_shipped_in_parts_is_captured_with_its_first_invoice_and_pays_each_part(
        actor, addresses, road, panel, staff, settings, monkeypatch):
    from payments.cards import get_provider
    from payments.models import CardPayment, CardPaymentStatus

    settings.CARD_PAYMENT_PROVIDER = "payments.cards.offline.OfflineTestProvider"
    order = ordering.place_order(actor=actor, lines=[(panel, 10)],
                                 checkout=ordering.Checkout(shipping_method="road", payment_method="card"))
    card, _url = cards.start_card_payment(actor=actor, order=order, return_url="http://testserver/back/")
    get_provider().decide(card.reference, approve=True)
    cards.complete_card_authorisation(reference=card.reference)
    order = set_status(actor=staff, order=order, status="confirmed")
    line = order.lines.get()
    queued = []
    monkeypatch.setattr(cards, "enqueue_on_commit", lambda task, *args: queued.append((task.name, args)))
    first = _leave(order, {line: 4}, staff)
    # The part's invoice queues the capture (the order moved before it was issued, so its move did not).
    assert queued == [("payments.tasks.capture_card_payment_task", (card.pk,))]
    card = cards.capture_card_payment(card.pk)
    assert card.status == CardPaymentStatus.CAPTURED and card.captured == order.total_gross
    assert Invoice.objects.get(pk=first.invoice.pk).status == InvoiceStatus.PAID
    second = _leave(order, {line: 6}, staff)
    assert second.invoice.status == InvoiceStatus.PAID
    assert CardPayment.objects.get(pk=card.pk).payment.unallocated == 0
