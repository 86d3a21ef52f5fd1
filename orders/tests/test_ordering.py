"""Placing orders, approval, statuses, changes, cancellations and returns: the services, on real PostgreSQL."""
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from catalog.errors import BelowMinimum, OutOfStock
from catalog.models import Product
from dealers.models import Address, Role
from dealers.testing import AddressFactory, DealerFactory, DealerUserFactory
from orders.errors import (
    InvalidCheckout,
    InvalidReturn,
    NoLines,
    NotAllowed,
    OrderNotChangeable,
    OverOrderLimit,
    StatusNotAllowed,
    UnpricedProduct,
)
from orders.models import CartLine, Order, OrderLine, OrderStatus, ReturnStatus, SubStatus
from orders.services import changes, ordering, returns
from orders.testing import CartFactory, CartLineFactory, OrdersProductFactory, actor_of, priced, with_addresses
from portal.models import AuditEntry, Notification
from pricing.testing import PaymentAdjustmentFactory

S = OrderStatus


def checkout(**values):
    return ordering.Checkout(**values)


def stock_of(product):
    return Product.objects.get(pk=product.pk).stock_quantity


def place(actor, lines, **kwargs):
    return ordering.place_order(actor=actor, lines=lines, checkout=kwargs.pop("checkout", checkout()), **kwargs)


def templates_sent():
    return sorted(Notification.objects.values_list("template", flat=True))


# --- placing --------------------------------------------------------------------------------------------

def test_owner_places_an_order_at_the_engines_prices_and_takes_the_stock(actor, addresses, panel, boxed):
    order = place(actor, [(panel, 2), (boxed.pk, 10)], checkout=checkout(po_number=" PO-77 ", notes="Gate 3"))
    assert order.number.startswith("ORD-") and order.number.endswith("-000001")
    assert order.status == S.PLACED and order.placed_by == actor.user and not order.on_behalf
    lines = {line.sku: line for line in order.lines.all()}
    assert lines["LED-600"].unit_price == Decimal("100.00") and lines["LED-600"].line_net == Decimal("200.00")
    assert lines["CAB-3X25"].line_net == Decimal("125.00")
    assert (order.total_net, order.total_vat, order.total_gross) == (Decimal("325.00"), Decimal("65.00"),
                                                                     Decimal("390.00"))
    assert lines["LED-600"].rules and lines["LED-600"].rules[0]["kind"] == "market"
    assert order.po_number == "PO-77" and "Ankara depot" in order.shipping_address
    assert "Head office" in order.billing_address
    assert stock_of(panel) == Decimal("98") and stock_of(boxed) == Decimal("90")
    assert [(c.from_status, c.to_status) for c in order.history.all()] == [("", S.PLACED)]
    assert "orders/received" in templates_sent() and "orders/staff_new_order" in templates_sent()
    assert AuditEntry.objects.filter(action="order.placed", dealer=actor.dealer).exists()


def test_wire_transfer_gets_the_wire_price_adjustment(actor, addresses, panel):
    PaymentAdjustmentFactory(method="wire", installments=1, percent=Decimal("-2"))
    order = place(actor, [(panel, 1)], checkout=checkout(payment_method="wire"))
    line = order.lines.get()
    assert line.unit_price == Decimal("98.00") and line.rules[-1]["kind"] == "payment"


def test_quantities_of_one_product_are_merged_and_checked_together(actor, addresses, boxed):
    with pytest.raises(BelowMinimum):
        place(actor, [(boxed, 5)])
    order = place(actor, [(boxed, 5), (boxed, 5)])
    assert [(line.sku, line.quantity) for line in order.lines.all()] == [("CAB-3X25", Decimal("10.000"))]


@pytest.mark.parametrize("values, field", [
    ({"shipping_method": "teleport"}, "shipping_method"),
    ({"payment_method": "barter"}, "payment_method"),
    ({"po_number": "x" * 51}, "po_number"),
    ({"requested_delivery_date": __import__("datetime").date(2000, 1, 1)}, "requested_delivery_date"),
])
def test_bad_checkout_answers_are_refused_and_nothing_is_placed(values, field, actor, addresses, panel):
    with pytest.raises(InvalidCheckout) as exc:
        place(actor, [(panel, 1)], checkout=checkout(**values))
    assert exc.value.field == field
    assert not Order.objects.exists() and stock_of(panel) == Decimal("100")


def test_another_dealers_address_is_refused(actor, addresses, panel, other_dealer):
    foreign = AddressFactory(dealer=other_dealer, kind=Address.Kind.SHIPPING)
    with pytest.raises(InvalidCheckout) as exc:
        place(actor, [(panel, 1)], checkout=checkout(shipping_address=foreign.pk))
    assert exc.value.field == "shipping_address"


def test_a_dealer_without_addresses_is_told_to_add_one(actor, panel):
    with pytest.raises(InvalidCheckout):
        place(actor, [(panel, 1)])


def test_nothing_to_order_and_unpriced_products_are_refused(actor, addresses):
    with pytest.raises(NoLines):
        place(actor, [])
    unpriced = OrdersProductFactory(sku="NOPRICE")
    with pytest.raises(UnpricedProduct):
        place(actor, [(unpriced, 1)])
    assert not Order.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE])
def test_roles_without_ordering_cannot_place(role, dealer, addresses, panel):
    user = DealerUserFactory(dealer=dealer, role=role)
    with pytest.raises(NotAllowed):
        place(actor_of(user), [(panel, 1)])


def test_a_suspended_dealer_cannot_place(addresses, panel, dealer, owner):
    dealer.status = dealer.Status.SUSPENDED
    dealer.save()
    from orders.errors import DealerNotApproved

    with pytest.raises(DealerNotApproved):
        place(actor_of(owner), [(panel, 1)])


def test_an_agent_places_for_the_dealer_and_both_are_recorded(agent_actor, addresses, panel, owner):
    order = place(agent_actor, [(panel, 1)])
    assert order.placed_by == agent_actor.user and order.on_behalf and order.dealer == agent_actor.dealer
    entry = AuditEntry.objects.get(action="order.placed")
    assert entry.actor == agent_actor.user and entry.dealer == agent_actor.dealer
    # The dealer's owner hears of it, not only the agent.
    assert Notification.objects.filter(template="orders/received", recipient=owner.email).exists()


# --- stock ---------------------------------------------------------------------------------------------------

def test_no_order_beyond_stock_unless_backorders_are_allowed(actor, addresses, market):
    scarce = priced(market, "10.00", sku="SCARCE", stock_quantity=3)
    with pytest.raises(OutOfStock) as exc:
        place(actor, [(scarce, 4)])
    assert "SCARCE" in str(exc.value.message) and exc.value.conflict
    assert stock_of(scarce) == 3 and not Order.objects.exists()
    backorder = priced(market, "10.00", sku="BACK", stock_quantity=1, allow_backorder=True)
    order = place(actor, [(backorder, 4)])
    assert stock_of(backorder) == 0  # three are on backorder
    changes.cancel_order(actor=actor, order=order)
    assert stock_of(backorder) == 1  # only what was taken comes back


@pytest.mark.django_db(transaction=True)
def test_parallel_orders_for_the_last_units_never_drive_stock_negative(market):
    product = priced(market, "10.00", sku="LAST", stock_quantity=5)
    actors = []
    for _ in range(10):
        dealer = with_addresses(DealerFactory())
        actors.append(actor_of(DealerUserFactory(dealer=dealer, role=Role.OWNER)))
    barrier, placed, refused = threading.Barrier(len(actors)), [], []

    def order(actor):
        try:
            barrier.wait()
            placed.append(place(actor, [(product.pk, 1)]).number)
        except OutOfStock:
            refused.append(actor)
        finally:
            connection.close()

    threads = [threading.Thread(target=order, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(placed) == 5 and len(refused) == 5 and len(set(placed)) == 5
    assert stock_of(product) == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_orders_of_several_products_in_any_line_order_take_exactly_what_is_in_stock(market):
    # Three products taken together (one statement for all of them), the lines in a different order per dealer:
    # no deadlock, no product below zero, and what the lines say they took is what left the stock.
    products = [priced(market, "10.00", sku=f"MULTI-{i}", stock_quantity=6) for i in range(3)]
    actors = [actor_of(DealerUserFactory(dealer=with_addresses(DealerFactory()), role=Role.OWNER)) for _ in range(8)]
    barrier, placed, refused, errors = threading.Barrier(len(actors)), [], [], []

    def order(i, actor):
        lines = [(p.pk, 2) for p in (products if i % 2 else products[::-1])]
        try:
            barrier.wait()
            placed.append(place(actor, lines).number)
        except OutOfStock:
            refused.append(actor)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=order, args=(i, a)) for i, a in enumerate(actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(placed) == 3 and len(refused) == 5
    assert [stock_of(p) for p in products] == [0, 0, 0]
    taken = OrderLine.objects.filter(order__number__in=placed).values_list("product_id", "stock_taken")
    assert sorted(taken) == sorted((p.pk, 2) for p in products for _ in range(3))


# --- idempotency ----------------------------------------------------------------------------------------------

def test_the_same_key_returns_the_first_order(actor, addresses, panel):
    first = place(actor, [(panel, 1)], idempotency_key="k-1")
    again = place(actor, [(panel, 5)], idempotency_key="k-1")
    assert again.pk == first.pk and Order.objects.count() == 1 and stock_of(panel) == 99


def test_keys_are_per_dealer(actor, addresses, panel, other_dealer):
    with_addresses(other_dealer)
    other = actor_of(DealerUserFactory(dealer=other_dealer))
    assert place(actor, [(panel, 1)], idempotency_key="same").pk != place(other, [(panel, 1)],
                                                                           idempotency_key="same").pk


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_in_parallel_places_one_order(market):
    product = priced(market, "10.00", sku="DOUBLE")
    dealer = with_addresses(DealerFactory())
    actor = actor_of(DealerUserFactory(dealer=dealer))
    cart = CartFactory(user=actor.user, dealer=dealer)
    CartLineFactory(cart=cart, product=product, quantity=2)
    barrier, numbers, errors = threading.Barrier(4), [], []

    def submit():
        try:
            barrier.wait()
            numbers.append(ordering.checkout_cart(actor=actor, checkout=checkout(), idempotency_key="click").number)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(numbers)) == 1 and Order.objects.count() == 1
    assert stock_of(product) == 98 and not CartLine.objects.exists()


def test_checkout_orders_the_cart_and_empties_it(actor, addresses, panel, boxed):
    cart = CartFactory(user=actor.user, dealer=actor.dealer)
    CartLineFactory(cart=cart, product=panel, quantity=3)
    CartLineFactory(cart=cart, product=boxed, quantity=15)
    order = ordering.checkout_cart(actor=actor, checkout=checkout(), idempotency_key="t1")
    assert sorted((line.sku, line.quantity) for line in order.lines.all()) == [("CAB-3X25", 15), ("LED-600", 3)]
    assert not CartLine.objects.filter(cart=cart).exists()
    with pytest.raises(NoLines):
        ordering.checkout_cart(actor=actor, checkout=checkout(), idempotency_key="t2")


# --- in-company approval --------------------------------------------------------------------------------------

@pytest.fixture
def limited_buyer(dealer):
    return DealerUserFactory(dealer=dealer, role=Role.BUYER, order_limit=Decimal("500.00"))


def test_buyer_over_limit_order_waits_for_approval_without_taking_stock(limited_buyer, approver, owner, addresses,
                                                                        panel):
    order = place(actor_of(limited_buyer), [(panel, 5)])  # 600.00 incl. VAT > 500.00
    assert order.status == S.PENDING_APPROVAL and stock_of(panel) == 100
    waiting = set(Notification.objects.filter(template="orders/awaiting_approval").values_list("recipient", flat=True))
    assert waiting == {approver.email, owner.email}


def test_buyer_within_limit_is_placed_at_once(limited_buyer, addresses, panel):
    assert place(actor_of(limited_buyer), [(panel, 4)]).status == S.PLACED  # 480.00


def test_approver_approves_and_the_stock_is_taken_then(limited_buyer, approver, addresses, panel):
    order = place(actor_of(limited_buyer), [(panel, 5)])
    Notification.objects.all().delete()
    order = ordering.approve_order(actor=actor_of(approver), order=order, note="ok for Q4")
    assert order.status == S.PLACED and order.decided_by == approver and stock_of(panel) == 95
    assert [c.to_status for c in order.history.all()] == [S.PENDING_APPROVAL, S.PLACED]
    assert list(Notification.objects.values_list("template", "recipient")) == [("orders/approved",
                                                                                 limited_buyer.email)]
    with pytest.raises(StatusNotAllowed):
        ordering.approve_order(actor=actor_of(approver), order=order)


def test_rejection_needs_a_note_and_tells_the_buyer(limited_buyer, approver, addresses, panel):
    order = place(actor_of(limited_buyer), [(panel, 5)])
    with pytest.raises(InvalidCheckout):
        ordering.reject_order(actor=actor_of(approver), order=order, note=" ")
    order = ordering.reject_order(actor=actor_of(approver), order=order, note="Too many")
    assert order.status == S.REJECTED and order.decision_note == "Too many"
    assert Notification.objects.filter(template="orders/rejected", recipient=limited_buyer.email).exists()


def test_a_buyer_cannot_approve_and_another_dealer_cannot_either(limited_buyer, addresses, panel, other_dealer):
    order = place(actor_of(limited_buyer), [(panel, 5)])
    with pytest.raises(NotAllowed):
        ordering.approve_order(actor=actor_of(DealerUserFactory(dealer=order.dealer, role=Role.BUYER)), order=order)
    with pytest.raises(NotAllowed):
        ordering.approve_order(actor=actor_of(DealerUserFactory(dealer=other_dealer, role=Role.OWNER)), order=order)


def test_approval_fails_clearly_when_the_stock_went_meanwhile(limited_buyer, approver, addresses, market):
    product = priced(market, "200.00", sku="RARE", stock_quantity=3)
    order = place(actor_of(limited_buyer), [(product, 3)])
    Product.objects.filter(pk=product.pk).update(stock_quantity=1)
    with pytest.raises(OutOfStock):
        ordering.approve_order(actor=actor_of(approver), order=order)
    order.refresh_from_db()
    assert order.status == S.PENDING_APPROVAL and stock_of(product) == 1


# --- statuses ------------------------------------------------------------------------------------------------

def test_staff_move_orders_only_along_the_lifecycle(actor, addresses, panel, staff):
    order = place(actor, [(panel, 1)])
    for status in (S.CONFIRMED, S.PROCESSING, S.SHIPPED, S.DELIVERED):
        order = changes.set_status(actor=staff, order=order, status=status)
    assert [c.to_status for c in order.history.all()] == [S.PLACED, S.CONFIRMED, S.PROCESSING, S.SHIPPED,
                                                          S.DELIVERED]
    with pytest.raises(StatusNotAllowed):
        changes.set_status(actor=staff, order=order, status=S.CANCELLED)
    with pytest.raises(NotAllowed):
        changes.set_status(actor=actor.user, order=order, status=S.DELIVERED)


def test_cancelling_gives_the_stock_back(actor, addresses, panel, staff):
    order = place(actor, [(panel, 7)])
    changes.set_status(actor=staff, order=order, status=S.CANCELLED)
    assert stock_of(panel) == 100


def test_sub_statuses_mail_the_dealer_only_when_they_say_so_and_hidden_ones_stay_hidden(actor, addresses, panel,
                                                                                       staff):
    from orders import selectors

    order = place(actor, [(panel, 1)])
    packed = SubStatus.objects.create(code="packed", name_en="Packed", name_tr="Paketlendi",
                                      status=S.PROCESSING, notify_dealer=True)
    internal = SubStatus.objects.create(code="qc", name_en="Quality check", visible_to_dealer=False,
                                        notify_dealer=True)
    order = changes.set_status(actor=staff, order=order, status=S.PROCESSING)
    Notification.objects.all().delete()
    order = changes.set_status(actor=staff, order=order, status=S.PROCESSING, sub_status=packed)
    assert Notification.objects.filter(template="orders/status_changed").count() == 1
    assert Notification.objects.get().context["sub_status"] == packed.label(actor.user.language)
    Notification.objects.all().delete()
    changes.set_status(actor=staff, order=order, status=S.PROCESSING, sub_status=internal)
    assert not Notification.objects.exists()
    order = selectors.get_order(actor=actor, number=order.number)
    shown = [c.sub_status.code if c.sub_status else None for c in selectors.dealer_history(order=order)]
    assert "packed" in shown and "qc" not in shown
    with pytest.raises(StatusNotAllowed):
        changes.set_status(actor=staff, order=order, status=S.SHIPPED, sub_status=packed)


# --- changes and cancellation ----------------------------------------------------------------------------------

def test_a_change_reprices_moves_the_stock_and_is_audited(actor, addresses, panel, boxed):
    order = place(actor, [(panel, 2), (boxed, 10)])
    lines = {line.sku: line for line in order.lines.all()}
    order = changes.change_order_quantities(actor=actor, order=order, quantities={lines["LED-600"].pk: Decimal(5),
                                                                                   lines["CAB-3X25"].pk: 0})
    assert [(line.sku, line.quantity) for line in order.lines.all()] == [("LED-600", 5)]
    assert order.total_net == Decimal("500.00") and stock_of(panel) == 95 and stock_of(boxed) == 100
    assert AuditEntry.objects.filter(action="order.changed").exists()
    assert "LED-600: 2.000 → 5" in order.history.last().note


def test_changes_obey_the_quantity_rules_and_keep_a_line(actor, addresses, boxed):
    order = place(actor, [(boxed, 10)])
    line = order.lines.get()
    with pytest.raises(BelowMinimum):
        changes.change_order_quantities(actor=actor, order=order, quantities={line.pk: Decimal(5)})
    with pytest.raises(NoLines):
        changes.change_order_quantities(actor=actor, order=order, quantities={line.pk: 0})


def test_no_change_or_cancel_once_processing(actor, addresses, panel, staff):
    order = place(actor, [(panel, 1)])
    changes.set_status(actor=staff, order=order, status=S.PROCESSING)
    with pytest.raises(OrderNotChangeable):
        changes.cancel_order(actor=actor, order=order)
    with pytest.raises(OrderNotChangeable):
        changes.change_order_quantities(actor=actor, order=order, quantities={order.lines.get().pk: 2})


def test_a_buyer_changes_only_its_own_orders_and_not_past_its_limit(dealer, addresses, panel, owner):
    buyer = DealerUserFactory(dealer=dealer, role=Role.BUYER, order_limit=Decimal("500"))
    theirs = place(actor_of(owner), [(panel, 1)])
    with pytest.raises(NotAllowed):
        changes.cancel_order(actor=actor_of(buyer), order=theirs)
    mine = place(actor_of(buyer), [(panel, 1)])
    with pytest.raises(OverOrderLimit):
        changes.change_order_quantities(actor=actor_of(buyer), order=mine, quantities={mine.lines.get().pk: 10})
    assert changes.cancel_order(actor=actor_of(buyer), order=mine).status == S.CANCELLED
    assert stock_of(panel) == 99


# --- returns --------------------------------------------------------------------------------------------------

def _delivered(actor, staff, lines):
    order = place(actor, lines)
    for status in (S.CONFIRMED, S.SHIPPED, S.DELIVERED):
        order = changes.set_status(actor=staff, order=order, status=status)
    return order


def test_returns_of_delivered_lines_within_what_was_delivered(actor, addresses, panel, staff):
    order = _delivered(actor, staff, [(panel, 5)])
    line = order.lines.get()
    first = returns.request_return(actor=actor, line=line, quantity="2", reason="Broken glass")
    assert first.number.startswith("RMA-") and first.status == ReturnStatus.REQUESTED
    with pytest.raises(InvalidReturn):  # 2 asked already: 3 remain
        returns.request_return(actor=actor, line=line, quantity="4", reason="More broken")
    returns.approve_return(actor=staff, rma=first)
    line.refresh_from_db()
    assert line.returned_quantity == 2 and returns.returnable_quantity(line) == 3
    second = returns.request_return(actor=actor, line=line, quantity="3", reason="Wrong colour")
    with pytest.raises(InvalidReturn):
        returns.reject_return(actor=staff, rma=second, note="")
    returns.reject_return(actor=staff, rma=second, note="Used")
    assert Notification.objects.filter(template="orders/return_decided").count() == 2


def test_returns_are_refused_before_delivery_and_for_other_dealers(actor, addresses, panel, other_dealer, staff):
    order = place(actor, [(panel, 2)])
    with pytest.raises(StatusNotAllowed):
        returns.request_return(actor=actor, line=order.lines.get(), quantity=1, reason="x")
    delivered = _delivered(actor, staff, [(panel, 2)])
    stranger = actor_of(DealerUserFactory(dealer=other_dealer))
    with pytest.raises(NotAllowed):
        returns.request_return(actor=stranger, line=delivered.lines.get(), quantity=1, reason="x")
    with pytest.raises(InvalidReturn):
        returns.request_return(actor=actor, line=delivered.lines.get(), quantity="-1", reason="x")


def test_order_numbers_stay_unique_inside_one_transaction(actor, addresses, panel):
    with transaction.atomic():
        numbers = {place(actor, [(panel, 1)]).number for _ in range(3)}
    assert len(numbers) == 3


# --- every status move runs the hooks (issue 13, item 1) ---------------------------------------------------------

@pytest.fixture
def heard():
    """A status listener as a later stage registers one (payments releases a card authorisation through it)."""
    from orders.models import ORDER

    calls = []

    def listener(*, order, previous, actor):
        calls.append((previous, order.status, getattr(actor, "user", actor)))

    with ORDER.moved.registered(listener):
        yield calls


def test_a_dealer_cancelling_runs_the_status_listeners(actor, owner, addresses, panel, heard):
    order = place(actor, [(panel, 1)])
    changes.cancel_order(actor=actor, order=order)
    assert heard == [(S.PLACED, S.CANCELLED, owner)]


def test_an_approver_deciding_runs_the_status_listeners(limited_buyer, approver, addresses, panel, heard):
    rejected = place(actor_of(limited_buyer), [(panel, 5)])
    approved = place(actor_of(limited_buyer), [(panel, 5)])
    ordering.reject_order(actor=actor_of(approver), order=rejected, note="Too many")
    ordering.approve_order(actor=actor_of(approver), order=approved)
    assert heard == [(S.PENDING_APPROVAL, S.REJECTED, approver), (S.PENDING_APPROVAL, S.PLACED, approver)]
