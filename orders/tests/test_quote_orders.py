"""Quotes become orders through the real order maker: from the cart to a quote, revised and sent by staff,
accepted once (also when two people accept at the same moment), at the quoted prices."""
import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders.models import CartLine, Order
from orders.services import quote_orders
from orders.testing import CartFactory, CartLineFactory, actor_of, priced, with_addresses
from portal.errors import DomainError
from pricing.models import Quote
from pricing.services import QuoteLineInput, accept_quote, send_quote, update_quote


def _sent_quote(owner, panel, *, price="80.00", quantity=10):
    cart = CartFactory(user=owner, dealer=owner.dealer)
    CartLineFactory(cart=cart, product=panel, quantity=quantity)
    quote = quote_orders.request_quote_from_cart(actor=actor_of(owner), note="Project Ankara")
    staff = StaffFactory()
    update_quote(actor=staff, quote=quote, header={"valid_until": timezone.localdate() + datetime.timedelta(days=10)},
                 lines=[QuoteLineInput(product=panel, quantity=quantity, unit_price=Decimal(price))])
    return send_quote(actor=staff, quote=quote)


def test_the_cart_becomes_a_quote_request_and_leaves_the_cart(owner, panel):
    cart = CartFactory(user=owner, dealer=owner.dealer)
    CartLineFactory(cart=cart, product=panel, quantity=3)
    quote = quote_orders.request_quote_from_cart(actor=actor_of(owner), note="Big project")
    assert quote.number.startswith("QUO-") and quote.request_note == "Big project"
    assert [(line.product_id, line.quantity) for line in quote.lines.all()] == [(panel.pk, 3)]
    assert not CartLine.objects.filter(cart=cart).exists()


def test_an_empty_cart_asks_for_no_quote_and_keeps_nothing(owner):
    with pytest.raises(DomainError):
        quote_orders.request_quote_from_cart(actor=actor_of(owner))
    assert not Quote.objects.exists()


def test_accepting_places_one_order_at_the_quoted_prices(owner, dealer, panel):
    with_addresses(dealer)
    quote = _sent_quote(owner, panel, price="80.00", quantity=10)
    quote = accept_quote(actor=actor_of(owner), quote=quote)
    order = Order.objects.get()
    assert quote.order_number == order.number and order.quote_number == quote.number
    line = order.lines.get()
    assert line.unit_price == Decimal("80.00") and line.quantity == 10 and line.rules[0]["kind"] == "quote"
    assert order.total_gross == Decimal("960.00")
    assert Product.objects.get(pk=panel.pk).stock_quantity == 90


def test_a_refusal_of_the_order_leaves_the_quote_sent(owner, dealer, panel):
    with_addresses(dealer)
    quote = _sent_quote(owner, panel, quantity=10)
    Product.objects.filter(pk=panel.pk).update(stock_quantity=2)
    with pytest.raises(DomainError) as exc:
        accept_quote(actor=actor_of(owner), quote=quote)
    assert exc.value.code == "catalog.out_of_stock"
    quote.refresh_from_db()
    assert quote.status == "sent" and not Order.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_at_the_same_moment_make_one_order(market):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    approver = DealerUserFactory(dealer=dealer, role=Role.APPROVER)
    panel = priced(market, "100.00", sku="LED-600")
    quote = _sent_quote(owner, panel)
    barrier, results = threading.Barrier(2), []

    def accept(user):
        try:
            barrier.wait()
            accept_quote(actor=actor_of(user), quote=Quote.objects.get(pk=quote.pk))
            results.append("accepted")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (owner, approver)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["accepted", "pricing.quote_already_accepted"]
    assert Order.objects.count() == 1 and Order.objects.get().quote_number == quote.number


def test_the_cart_page_asks_for_a_quote(client, owner, panel):
    cart = CartFactory(user=owner, dealer=owner.dealer)
    CartLineFactory(cart=cart, product=panel, quantity=2)
    client.force_login(owner)
    assert 'id="to-quote"' in client.get(reverse("orders:cart")).content.decode()
    response = client.post(reverse("orders:cart_quote"), {"note": "Tender 12", "requested_delivery_date": ""})
    quote = Quote.objects.get()
    assert response["Location"] == reverse("quotes:detail", args=[quote.number])
    CartLineFactory(cart=cart, product=panel, quantity=1)
    past = client.post(reverse("orders:cart_quote"), {"requested_delivery_date": "2001-01-01"})
    assert past.status_code == 200 and "in the past" in past.content.decode()
    assert Quote.objects.count() == 1 and CartLine.objects.filter(cart=cart).count() == 1
