"""Issue 12, items 1 and 2: no way round the credit limit through a wire payment spent twice or a voided invoice.

Limit 1,200 throughout; the product costs 120.00 with VAT, so five of them are 600.00."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dealers.testing import DealerFactory
from orders.models import OrderStatus
from orders.services import ordering, returns
from orders.services.changes import set_status
from orders.testing import actor_of, priced, with_addresses
from payments import errors
from payments.models import Allocation, CreditAccount, CreditNote, Invoice, InvoiceStatus, Payment
from payments.services import allocation, credit, invoices, wire
from payments.testing import FinanceStaffFactory
from portal.api_tokens import create_api_token

D = Decimal
LIMIT = D("1200.00")


# Overrides the root `dealer`: one with a credit account of LIMIT and addresses.
@pytest.fixture
def dealer(db):
    dealer = with_addresses(DealerFactory())
    CreditAccount.objects.create(dealer=dealer, credit_limit=LIMIT)
    return dealer


# Overrides the root `finance` (a dealer's finance user): here finance is portal staff (FinanceStaffFactory).
@pytest.fixture
def finance(db):
    return FinanceStaffFactory()


@pytest.fixture
def product(market):
    return priced(market, "100.00", sku="BYP-1", stock_quantity=100000)


def place(owner, product, quantity, method="on_account"):
    return ordering.place_order(actor=actor_of(owner), lines=[(product, quantity)],
                                checkout=ordering.Checkout(payment_method=method))


def ship(staff, order):
    for status in ("confirmed", "shipped"):
        order = set_status(actor=staff, order=order, status=status)
    return order


def goods_shipped_and_not_paid(dealer) -> Decimal:
    """The tester's own figure: on-account goods shipped (or delivered) and not paid, whatever the invoices say."""
    from orders.models import Order

    total = D("0.00")
    for order in Order.objects.filter(dealer=dealer, payment_method="on_account",
                                      status__in=("partially_shipped", "shipped", "delivered")):
        invoice = Invoice.objects.filter(order=order).exclude(status=InvoiceStatus.VOID).first()
        total += order.total_gross - (invoice.settled if invoice else D("0.00"))
    return total


# --- item 1: a wire payment counts once ------------------------------------------------------------------------------

@pytest.fixture
def wire_scene(dealer, owner, staff, market, product):
    """A on account shipped and invoiced (600), B on account (600: the limit is full), W by wire (588), and 588
    recorded by finance for W (not invoiced yet, so unallocated)."""
    order_a = ship(staff, place(owner, product, 5))
    order_b = place(owner, product, 5)
    wired = priced(market, "490.00", sku="BYP-W", stock_quantity=100)
    order_w = place(owner, wired, 1, method="wire")
    assert order_w.total_gross == D("588.00")
    payment = allocation.record_payment(actor=staff, dealer=dealer, amount="588.00", kind="wire",
                                        received_on=datetime.date.today(), order=order_w)
    assert payment.allocated == D("0.00")
    return {"a": order_a, "b": order_b, "w": order_w, "payment": payment,
            "invoice_a": Invoice.objects.get(order=order_a)}


def assert_wire_money_stayed_with_w(scene, dealer, owner, staff, product):
    """After an attempt to spend W's money elsewhere: A still owes 600, a new 480 on account is refused, W ships
    and its invoice is paid by W's money, and exposure never passes the limit."""
    scene["invoice_a"].refresh_from_db()
    scene["payment"].refresh_from_db()
    assert scene["invoice_a"].settled == D("0.00") and scene["invoice_a"].status == InvoiceStatus.OPEN
    assert scene["payment"].allocated == D("0.00")
    assert credit.credit_status(dealer).exposure == LIMIT
    with pytest.raises(credit.OverCreditLimit):
        place(owner, product, 4)  # 480.00
    assert wire.paid_for(scene["w"]) == D("588.00")
    ship(staff, scene["w"])
    invoice_w = Invoice.objects.get(order=scene["w"])
    assert invoice_w.status == InvoiceStatus.PAID
    assert Allocation.objects.get(invoice=invoice_w).payment_id == scene["payment"].pk
    assert credit.credit_status(dealer).exposure == LIMIT
    assert goods_shipped_and_not_paid(dealer) <= LIMIT


def test_allocate_oldest_first_does_not_spend_a_wire_payment_on_another_orders_invoice(
        wire_scene, dealer, owner, staff, finance, product):
    made = allocation.allocate_credit(actor=finance, dealer=dealer)
    assert made == []
    assert_wire_money_stayed_with_w(wire_scene, dealer, owner, staff, product)


def test_a_payment_for_an_order_is_not_spread_over_other_invoices(wire_scene, dealer, owner, staff, finance,
                                                                  product):
    assert allocation.allocate_source(actor=finance, source=wire_scene["payment"]) == []
    with pytest.raises(errors.ReservedForOrder):
        allocation.allocate(actor=finance, source=wire_scene["payment"], invoice=wire_scene["invoice_a"],
                            amount="100.00")
    assert_wire_money_stayed_with_w(wire_scene, dealer, owner, staff, product)


def test_paid_for_counts_only_what_reaches_the_orders_invoice(wire_scene, staff):
    # Money for W that (in data written before this rule) pays A's invoice no longer counts as W's.
    payment, invoice_a = wire_scene["payment"], wire_scene["invoice_a"]
    Allocation.objects.create(invoice=invoice_a, payment=payment, amount=D("588.00"))
    Payment.objects.filter(pk=payment.pk).update(allocated=D("588.00"))
    Invoice.objects.filter(pk=invoice_a.pk).update(settled=D("588.00"), status=InvoiceStatus.PARTIALLY_PAID)
    assert wire.paid_for(wire_scene["w"]) == D("0.00")
    with pytest.raises(wire.WirePaymentPending):
        set_status(actor=staff, order=wire_scene["w"], status=OrderStatus.CONFIRMED)


def test_money_left_over_after_the_orders_invoice_is_paid_is_the_dealers_credit(wire_scene, dealer, staff,
                                                                                finance):
    extra = allocation.record_payment(actor=staff, dealer=dealer, amount="100.00", kind="wire",
                                      received_on=datetime.date.today(), order=wire_scene["w"], allocate=None)
    ship(staff, wire_scene["w"])
    assert Invoice.objects.get(order=wire_scene["w"]).status == InvoiceStatus.PAID
    allocation.allocate_credit(actor=finance, dealer=dealer)
    wire_scene["invoice_a"].refresh_from_db()
    extra.refresh_from_db()
    # Of 688 recorded for W, 588 paid W's invoice; the 100 over it is free and settles A's.
    assert wire_scene["invoice_a"].settled == D("100.00") and extra.allocated == D("100.00")


def test_reconciliation_page_allocate_oldest_first_keeps_wire_money_for_its_order(
        client, wire_scene, dealer, owner, staff, finance, product):
    client.force_login(finance)
    page = client.get(reverse("payments:reconciliation")).content.decode()
    assert wire_scene["payment"].number in page
    assert f"(for order {wire_scene['w'].number}: pays that order's invoice only)" in page
    response = client.post(reverse("payments:reconciliation"), {"action": "allocate_credit", "dealer": dealer.pk},
                           follow=True)
    assert response.status_code == 200
    assert "0 allocations made" in response.content.decode()
    # By hand, W's money cannot go to A's invoice either: the form says why.
    response = client.post(reverse("payments:reconciliation"), {
        "action": "allocate", "source": wire_scene["payment"].number, "invoice": wire_scene["invoice_a"].number,
        "amount": "100.00", "token": "by-hand"})
    assert response.status_code == 200
    assert f"is kept for order {wire_scene['w'].number}" in response.content.decode()
    assert_wire_money_stayed_with_w(wire_scene, dealer, owner, staff, product)


def test_api_allocation_keeps_wire_money_for_its_order(client, wire_scene, dealer, owner, staff, finance, product):
    token = create_api_token(user=finance, name="Accounting", scopes=["payments:write"], actor=None)[1]
    url = reverse("api:payment-allocations", args=[wire_scene["payment"].number])
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    answer = client.post(url, {}, content_type="application/json", **headers)
    assert answer.status_code == 200 and answer.json()["allocated"] == "0.00"
    answer = client.post(url, {"invoice": wire_scene["invoice_a"].number}, content_type="application/json",
                         **headers)
    assert answer.status_code == 409 and answer.json()["code"] == "payments.reserved_for_order"
    assert_wire_money_stayed_with_w(wire_scene, dealer, owner, staff, product)


# --- item 2: a void keeps shipped goods in exposure until they are invoiced again -----------------------------------

def test_voiding_an_invoice_keeps_its_shipped_goods_in_exposure(dealer, owner, staff, finance, product):
    order_a = ship(staff, place(owner, product, 5))
    invoice_a = Invoice.objects.get(order=order_a)
    place(owner, product, 5)  # B: the limit is full
    with pytest.raises(credit.OverCreditLimit):
        place(owner, product, 1)  # C
    invoices.void_invoice(actor=finance, invoice=invoice_a, reason="Wrong address")
    invoice_a.refresh_from_db()
    assert invoice_a.status == InvoiceStatus.VOID
    assert credit.credit_status(dealer).exposure == LIMIT
    with pytest.raises(credit.OverCreditLimit):
        place(owner, product, 5)  # D
    assert goods_shipped_and_not_paid(dealer) == D("600.00")
    # The reissued invoice takes the goods' place in exposure (not twice).
    reissued = invoices.issue_invoice(order=order_a, actor=finance)
    assert reissued.pk != invoice_a.pk and reissued.total_gross == D("600.00")
    assert reissued.status == InvoiceStatus.OPEN
    assert credit.credit_status(dealer).exposure == LIMIT


def test_void_and_reissue_in_one_step(dealer, owner, staff, finance, product):
    order_a = ship(staff, place(owner, product, 5))
    invoice_a = Invoice.objects.get(order=order_a)
    invoices.void_invoice(actor=finance, invoice=invoice_a, reason="Wrong VAT number", reissue=True)
    invoice_a.refresh_from_db()
    new = Invoice.objects.get(order=order_a)
    assert invoice_a.status == InvoiceStatus.VOID and new.pk != invoice_a.pk and new.status == InvoiceStatus.OPEN
    assert invoice_a.voided_order_id == order_a.pk
    assert credit.credit_status(dealer).exposure == D("600.00")


def test_the_admin_void_panel_keeps_the_order_in_exposure(client, dealer, owner, staff, finance, product):
    order_a = ship(staff, place(owner, product, 5))
    invoice_a = Invoice.objects.get(order=order_a)
    client.force_login(finance)
    url = reverse("admin:payments_invoice_changelist")
    response = client.post(url, {"action": "void_selected", "_selected_action": [invoice_a.pk],
                                 "reason": "Issued twice"}, follow=True)
    assert response.status_code == 200
    invoice_a.refresh_from_db()
    assert invoice_a.status == InvoiceStatus.VOID
    assert credit.credit_status(dealer).exposure == D("600.00")


def test_a_return_of_an_order_whose_invoice_was_voided_makes_no_credit_note(dealer, owner, staff, finance,
                                                                           product):
    order_a = ship(staff, place(owner, product, 5))
    other = ship(staff, place(owner, product, 2))
    invoice_other = Invoice.objects.get(order=other)
    invoices.void_invoice(actor=finance, invoice=Invoice.objects.get(order=order_a), reason="Error")
    order_a = set_status(actor=staff, order=order_a, status=OrderStatus.DELIVERED)
    rma = returns.request_return(actor=actor_of(owner), line=order_a.lines.get(), quantity=5, reason="Broken")
    with pytest.raises(errors.ReturnNotInvoiced):
        returns.approve_return(actor=staff, rma=rma)
    assert not CreditNote.objects.filter(dealer=dealer).exists()
    invoice_other.refresh_from_db()
    assert invoice_other.settled == D("0.00")
    assert credit.credit_status(dealer).exposure == D("840.00")
    # Once the goods are invoiced again, the return is credited against that invoice.
    reissued = invoices.issue_invoice(order=order_a, actor=finance)
    rma.refresh_from_db()
    returns.approve_return(actor=staff, rma=rma)
    returns.receive_return(actor=staff, rma=rma)
    note = CreditNote.objects.get(return_request=rma)
    reissued.refresh_from_db()
    invoice_other.refresh_from_db()
    assert note.amount == D("600.00") and reissued.status == InvoiceStatus.PAID and invoice_other.settled == 0


def test_the_invoice_page_voids_and_reissues_in_one_step(client, dealer, owner, staff, finance, product):
    order_a = ship(staff, place(owner, product, 5))
    invoice_a = Invoice.objects.get(order=order_a)
    client.force_login(finance)
    url = reverse("admin:payments_invoice_move", args=[invoice_a.pk, "void"])
    confirm = client.get(url).content.decode()
    assert "Issue a new invoice for the same goods now" in confirm
    assert "stays in the credit exposure until a new invoice is issued" in confirm
    response = client.post(url, {"apply": "1", "reason": "Wrong tax office", "reissue": "on"}, follow=True)
    assert f"{invoice_a.number} is now “Void”." in response.content.decode()
    new = Invoice.objects.get(order=order_a)
    assert new.pk != invoice_a.pk and new.total_gross == D("600.00") and new.status == InvoiceStatus.OPEN
    assert credit.credit_status(dealer).exposure == D("600.00")


def test_the_dealer_still_sees_which_order_a_void_invoice_was_for(client, dealer, owner, staff, finance, product):
    order_a = ship(staff, place(owner, product, 5))
    invoice_a = invoices.void_invoice(actor=finance, invoice=Invoice.objects.get(order=order_a), reason="Typo")
    client.force_login(owner)
    page = client.get(reverse("payments:invoice", args=[invoice_a.number])).content.decode()
    assert order_a.get_absolute_url() in page and order_a.number in page
