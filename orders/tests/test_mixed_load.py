"""Mixed paths for ONE dealer at the same moment, in parallel threads against the real PostgreSQL: checkouts, quote
acceptances, changes upward, approvals and cancellations all lock the credit account, orders/quotes and stock rows. With one lock
order for the whole portal (docs/architecture.md) none of them deadlocks: every request ends in an order or a clear
refusal (credit limit, stock), never a database error, and the limit and the stock hold. Cancellations giving stock
back run in the same mix."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Product
from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders.models import Cart, Order, OrderStatus
from orders.services import changes, ordering, quote_orders
from orders.testing import CartFactory, CartLineFactory, actor_of, priced, with_addresses
from payments.models import CreditAccount
from payments.services.credit import credit_status, open_account
from portal.errors import DomainError
from portal.testing import run_together
from pricing.services import QuoteLineInput, accept_quote, send_quote, update_quote

pytestmark = pytest.mark.django_db(transaction=True)

# Refusals a person can act on; anything else (a deadlock, a database error) is a failure.
EXPECTED_REFUSALS = {"payments.over_credit_limit", "catalog.out_of_stock"}
ROUNDS = 2


def _sent_quote(owner, products, staff):
    cart, _new = Cart.objects.get_or_create(user=owner, dealer=owner.dealer)
    for product in products:
        CartLineFactory(cart=cart, product=product, quantity=2)
    quote = quote_orders.request_quote_from_cart(actor=actor_of(owner), note="Site job")
    update_quote(actor=staff, quote=quote, header={"valid_until": timezone.localdate() + datetime.timedelta(days=10)},
                 lines=[QuoteLineInput(product=p, quantity=2, unit_price=Decimal("80.00")) for p in products])
    return send_quote(actor=staff, quote=quote)




def _one_round(market_products, dealer, owner, staff):
    CreditAccount.objects.filter(dealer=dealer).update(credit_limit=Decimal("1000000.00"))
    buyer = DealerUserFactory(dealer=dealer, role=Role.BUYER, order_limit=Decimal("1.00"))
    lines = [(p.pk, 2) for p in market_products]
    # 6 orders waiting for approval (a buyer above its order limit), 4 placed orders to change upward, 4 to
    # cancel, 4 sent quotes to accept, 12 users with a cart to check out.
    waiting = [ordering.place_order(actor=actor_of(buyer), lines=lines, checkout=ordering.Checkout())
               for _ in range(6)]
    placed = [ordering.place_order(actor=actor_of(owner), lines=lines, checkout=ordering.Checkout())
              for _ in range(4)]
    to_cancel = [ordering.place_order(actor=actor_of(owner), lines=lines, checkout=ordering.Checkout())
                 for _ in range(4)]
    quotes = [_sent_quote(owner, market_products, staff) for _ in range(4)]
    shoppers = []
    for _ in range(12):
        user = DealerUserFactory(dealer=dealer, role=Role.OWNER)
        cart = CartFactory(user=user, dealer=dealer)
        for product in reversed(market_products):
            CartLineFactory(cart=cart, product=product, quantity=2)
        shoppers.append(user)
    assert all(o.status == OrderStatus.PENDING_APPROVAL for o in waiting)
    # Room for about half of what the round asks, so the limit is what decides (under its lock).
    CreditAccount.objects.filter(dealer=dealer).update(credit_limit=credit_status(dealer).exposure + 12000)

    calls = []
    for user in shoppers:
        calls.append(lambda user=user: ordering.checkout_cart(actor=actor_of(user), checkout=ordering.Checkout()))
    for quote in quotes:
        calls.append(lambda quote=quote: accept_quote(actor=actor_of(owner), quote=quote))
    for order in placed:
        calls.append(lambda order=order: changes.change_order_quantities(
            actor=actor_of(owner), order=order, quantities={line.pk: 4 for line in order.lines.all()}))
    for order in waiting:
        calls.append(lambda order=order: ordering.approve_order(actor=actor_of(owner), order=order))
    # Cancellations give their stock back while the others take it: by the dealer and by staff.
    for order in to_cancel[:2]:
        calls.append(lambda order=order: changes.cancel_order(actor=actor_of(owner), order=order))
    for order in to_cancel[2:]:
        calls.append(lambda order=order: changes.set_status(actor=staff, order=order, status=OrderStatus.CANCELLED))
    # Interleave the kinds so that every path starts at the same moment as the others.
    calls = [calls[i] for i in sorted(range(len(calls)), key=lambda i: (i % 4, i))]
    return run_together(calls)


def test_mixed_paths_for_one_dealer_at_once_never_fail_with_a_database_error(market):
    products = [priced(market, "100.00", sku=f"MIX-{i}", stock_quantity=400) for i in range(4)]
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    staff = StaffFactory()
    open_account(dealer)

    outcomes = []
    for _round in range(ROUNDS):
        outcomes += _one_round(products, dealer, owner, staff)
        status = credit_status(dealer)
        assert status.exposure <= status.limit

    failures = [repr(o) for o in outcomes if isinstance(o, Exception)
                and not (isinstance(o, DomainError) and o.code in EXPECTED_REFUSALS)]
    assert failures == []
    assert sum(1 for o in outcomes if not isinstance(o, Exception)) > 0
    assert any(isinstance(o, DomainError) and o.code == "payments.over_credit_limit" for o in outcomes)
    assert all(p.stock_quantity >= 0 for p in Product.objects.filter(pk__in=[p.pk for p in products]))
    # The stock taken matches what the live orders hold: nothing taken twice, nothing lost.
    held = sum((line.stock_taken for order in Order.objects.filter(dealer=dealer) for line in order.lines.all()),
               Decimal(0))
    left = sum((p.stock_quantity for p in Product.objects.filter(pk__in=[p.pk for p in products])), Decimal(0))
    assert held + left == 4 * 400
