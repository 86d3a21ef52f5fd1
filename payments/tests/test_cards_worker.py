"""Card payments with a real Celery worker: shipping the order captures the card (the invoice is paid), cancelling
another releases its authorisation, and beat's sweep captures what was authorised but never captured."""
from decimal import Decimal

import pytest
from django.db import transaction

from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders.models import OrderStatus
from orders.services import changes, ordering
from orders.testing import actor_of, priced, with_addresses
from payments.cards import get_provider
from payments.models import CardPayment, CardPaymentStatus, Invoice, InvoiceStatus
from payments.services import cards, invoices
from portal.testing import wait_until
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
CP = CardPaymentStatus


def authorised_order(owner, product):
    order = ordering.place_order(actor=actor_of(owner), lines=[(product, 2)],
                                 checkout=ordering.Checkout(payment_method="card"))
    card, _url = cards.start_card_payment(actor=actor_of(owner), order=order, return_url="http://testserver/back/")
    get_provider().decide(card.reference, approve=True)
    return order, cards.complete_card_authorisation(reference=card.reference)


def status_of(card):
    return CardPayment.objects.get(pk=card.pk).status


def test_the_worker_captures_on_shipping_and_releases_on_cancelling(celery_worker):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    product = priced(PriceListFactory(kind="market"), "50.00", sku="CARD-W", stock_quantity=100)
    staff = StaffFactory()
    shipped, shipped_card = authorised_order(owner, product)
    cancelled, cancelled_card = authorised_order(owner, product)
    changes.set_status(actor=staff, order=shipped, status=OrderStatus.CONFIRMED)
    changes.set_status(actor=staff, order=shipped, status=OrderStatus.SHIPPED)
    changes.set_status(actor=staff, order=cancelled, status=OrderStatus.CANCELLED)
    try:
        wait_until(lambda: status_of(shipped_card) == CP.CAPTURED, 90, "the capture")
        wait_until(lambda: status_of(cancelled_card) == CP.RELEASED, 90, "the release")
    except TimeoutError:
        print(celery_worker.output()[-6000:])
        raise
    invoice = Invoice.objects.get(order=shipped)
    assert invoice.status == InvoiceStatus.PAID and invoice.settled == Decimal("120.00")
    assert get_provider().state(shipped_card.reference)["captured"] == "120.00"
    assert get_provider().state(cancelled_card.reference)["status"] == "released"


def test_beats_sweep_captures_an_authorisation_left_behind(celery_worker):
    from payments.tasks import settle_card_payments_task

    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    product = priced(PriceListFactory(kind="market"), "50.00", sku="CARD-S", stock_quantity=100)
    order, card = authorised_order(owner, product)
    changes.set_status(actor=StaffFactory(), order=order, status=OrderStatus.CONFIRMED)
    with transaction.atomic():
        # Invoiced without the status listener (as if the broker had been down): nothing captured it yet.
        invoices.issue_invoice(order=order, actor=None)
    assert status_of(card) == CP.AUTHORISED
    settle_card_payments_task.delay()
    try:
        wait_until(lambda: status_of(card) == CP.CAPTURED, 90, "the sweep's capture")
    except TimeoutError:
        print(celery_worker.output()[-6000:])
        raise
    assert Invoice.objects.get(order=order).status == InvoiceStatus.PAID
