"""A shipment that comes back undelivered (`returned`) gives its invoice back (INVOICE_ON=shipped, the default): voided
when nothing settles it, else cancelled by a credit note for the whole invoice; its goods ship again and are invoiced
again on the shipment that carries them, the shipping charge with them, and the dealer's exposure stays the order's
total throughout (shipping/services/invoicing.py withdraw_invoice_on_return, payments' withdraw_invoice_unchecked)."""
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order, OrderStatus
from orders.services import ordering, set_status
from payments.models import CreditAccount, CreditNote, Invoice, InvoiceStatus
from payments.services import allocation, credit, invoices
from payments.testing import FinanceStaffFactory
from portal.models import Notification
from shipping.errors import ReturnedNotReissued
from shipping.models import RateKind, Shipment, ShipmentStatus
from shipping.permissions import require_may_apply_tracking
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


def _order(actor, staff, panel, quantity=10):
    order = ordering.place_order(actor=actor, lines=[(panel, quantity)],
                                 checkout=ordering.Checkout(shipping_method="road"))
    return set_status(actor=staff, order=order, status="confirmed")


def _leave(order, staff, quantity=None):
    line = order.lines.get()
    shipment = ship(order, {line.pk: quantity if quantity is not None else line.quantity}, staff=staff)
    move_shipment(actor=staff, shipment=shipment, to=SS.SHIPPED)
    return Shipment.objects.select_related("invoice").get(pk=shipment.pk)


def _comes_back(shipment):
    """The carrier reports the goods back to sender: the portal's own task moves the shipment (no user)."""
    for to in (SS.IN_TRANSIT, SS.RETURNED):
        move_shipment(actor=None, shipment=shipment, to=to, permission=require_may_apply_tracking)
    return Shipment.objects.select_related("invoice").get(pk=shipment.pk)


def _live(order):
    return list(Invoice.objects.filter(order=order).order_by("pk"))


def test_ship_ten_it_comes_back_ship_ten_again_a_new_invoice_and_exposure_the_order_total(actor, owner, addresses,
                                                                                          account, road, panel, staff):
    order = _order(actor, staff, panel)
    total = order.total_gross
    assert total == D("1200.00") + D("132.00")
    assert credit.exposure(actor.dealer) == total

    first = _leave(order, staff)
    billed = first.invoice
    assert billed.total_gross == total and billed.status == InvoiceStatus.OPEN
    assert credit.exposure(actor.dealer) == total

    first = _comes_back(first)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PROCESSING
    # Nothing paid it: it is void, lets go of its order, and the dealer is told why.
    billed.refresh_from_db()
    assert billed.status == InvoiceStatus.VOID and billed.order is None and billed.voided_order == order
    assert first.invoice == billed  # the returned shipment still shows the invoice it had
    assert first.number in billed.void_reason and "came back undelivered" in billed.void_reason
    assert Notification.objects.filter(template="payments/invoice_voided", recipient=owner.email,
                                       context__number=billed.number).exists()
    assert _live(order) == []
    assert credit.uninvoiced_rest(order) == total
    assert credit.exposure(actor.dealer) == total

    # The goods ship again: a new shipment, a new invoice of all of them and the shipping charge, nothing refused.
    again = _leave(order, staff)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    assert again.invoice is not None and again.invoice != billed and again.invoice.part == again.number
    assert [(line.sku, line.quantity) for line in again.invoice.lines.all()] == [
        ("LED-600", 10), (invoices.SHIPPING_SKU, 1)]
    assert again.invoice.total_gross == total and _live(order) == [again.invoice]
    assert credit.exposure(actor.dealer) == total
    assert credit.uninvoiced_rest(order) == 0


def test_a_part_that_came_back_is_invoiced_again_with_the_shipping_charge_it_carried(actor, addresses, account, road,
                                                                                      panel, staff):
    order = _order(actor, staff, panel)
    total = order.total_gross
    first = _leave(order, staff, 4)  # carries the shipping charge
    second = _leave(order, staff, 6)
    assert first.invoice.total_gross == D("480.00") + D("132.00") and second.invoice.total_gross == D("720.00")
    _comes_back(first)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PARTIALLY_SHIPPED
    assert credit.exposure(actor.dealer) == total
    again = _leave(order, staff, 4)
    assert again.invoice.total_gross == D("480.00") + D("132.00")
    assert invoices.SHIPPING_SKU in again.invoice.lines.values_list("sku", flat=True)
    assert sum(invoice.total_gross for invoice in _live(order)) == total
    assert credit.exposure(actor.dealer) == total


def test_a_settled_invoice_that_came_back_is_credited_whole_and_its_money_pays_the_next_one(actor, owner, addresses,
                                                                                            account, road, panel,
                                                                                            staff):
    order = _order(actor, staff, panel)
    total = order.total_gross
    # The dealer paid 500.00 towards this order before it shipped: kept for it, it settles its invoice when issued.
    payment = allocation.record_payment(actor=FinanceStaffFactory(), dealer=actor.dealer, amount=D("500.00"),
                                        kind="wire", received_on=order.created_at.date(), order=order)
    first = _leave(order, staff)
    billed = first.invoice
    assert billed.status == InvoiceStatus.PARTIALLY_PAID and billed.settled == D("500.00")
    assert credit.exposure(actor.dealer) == total - D("500.00")

    _comes_back(first)
    # Settled in part, it cannot be voided: a credit note for the whole invoice cancels it.
    billed.refresh_from_db()
    note = CreditNote.objects.get(dealer=actor.dealer)
    assert note.amount == total and note.allocated == total and note.unallocated == 0
    assert [(a.invoice, a.amount) for a in note.allocations.order_by("amount")] == [
        (billed, D("500.00")), (billed, total - D("500.00"))]
    assert billed.status == InvoiceStatus.PAID and billed.order is None and billed.voided_order == order
    assert not billed.allocations.filter(payment__isnull=False).exists()
    assert first.number in note.reason
    assert Notification.objects.filter(template="payments/credit_note_issued", recipient=owner.email,
                                       context__number=note.number).exists()
    # The 500.00 is free again and still kept for the order; the goods are uninvoiced again.
    payment.refresh_from_db()
    assert payment.unallocated == D("500.00") and allocation.reserved_for(payment) is not None
    assert credit.uninvoiced_rest(order) == total
    assert credit.exposure(actor.dealer) == total

    again = _leave(order, staff)
    assert again.invoice.total_gross == total and _live(order) == [again.invoice]
    assert again.invoice.settled == D("500.00") and again.invoice.status == InvoiceStatus.PARTIALLY_PAID
    assert credit.exposure(actor.dealer) == total - D("500.00")
    payment.refresh_from_db()
    assert payment.unallocated == 0


def test_finance_cannot_reissue_the_void_invoice_of_a_returned_shipment(actor, addresses, account, road, panel,
                                                                         staff, finance_staff, client):
    order = _order(actor, staff, panel)
    first = _comes_back(_leave(order, staff))
    with pytest.raises(ReturnedNotReissued) as refused:
        invoices.reissue_invoice(actor=finance_staff, invoice=first.invoice)
    assert refused.value.code == "shipping.returned_not_reissued" and first.number in refused.value.message
    assert _live(order) == [] and credit.exposure(actor.dealer) == order.total_gross
    # The invoice's admin page says why instead of offering "Reissue" (no refusal at the last click) ...
    client.force_login(staff)
    change = client.get(reverse("admin:payments_invoice_change", args=[first.invoice.pk])).content.decode()
    assert f"Shipment {first.number} came back undelivered" in change
    assert "Reissue for the same goods" not in change
    # ... and a reissue posted anyway issues nothing.
    url = reverse("admin:payments_invoice_move", args=[first.invoice.pk, "reissue"])
    page = client.post(url, {}, follow=True).content.decode()
    assert "came back undelivered" in page and _live(order) == []
    # The goods are invoiced when they ship again.
    again = _leave(order, staff)
    assert _live(order) == [again.invoice] and again.invoice.total_gross == order.total_gross


def test_a_whole_order_invoiced_at_confirmation_keeps_its_invoice_when_a_shipment_comes_back(actor, addresses,
                                                                                              account, road, panel,
                                                                                              staff, settings):
    settings.INVOICE_ON = "confirmed"
    order = _order(actor, staff, panel)
    whole = Invoice.objects.get(order=order)
    first = _leave(order, staff)
    assert first.invoice is None
    _comes_back(first)
    whole.refresh_from_db()
    assert whole.status == InvoiceStatus.OPEN and whole.order == order
    _leave(order, staff)
    assert _live(order) == [whole]
    assert credit.exposure(actor.dealer) == order.total_gross
