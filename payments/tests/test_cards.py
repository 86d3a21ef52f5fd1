"""Card payments through the provider interface, with the offline test provider: the order waits for the card, the
dealer authorises on the provider's page (no card field on the portal), the invoice captures, a cancellation
releases, finance refunds what is the dealer's credit. Plus payment choices at checkout (methods, installment
plans)."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders.errors import InvalidCheckout
from orders.models import Order, OrderStatus
from orders.services import changes, ordering
from orders.services.payment_options import payment_options
from orders.testing import actor_of, priced, with_addresses
from payments.cards import get_provider
from payments.errors import NotAllowed, NotRefundable
from payments.models import CardPayment, CardPaymentStatus, CardRefund, CreditAccount, Invoice, InvoiceStatus
from payments.services import allocation, cards, statements
from payments.testing import FinanceStaffFactory
from pricing.models import PaymentAdjustment
from pricing.testing import PriceListFactory

D = Decimal
CP = CardPaymentStatus
OFFLINE = "payments.cards.offline.OfflineTestProvider"


@pytest.fixture
def setup(db, settings):
    settings.CARD_PAYMENT_PROVIDER = OFFLINE
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    product = priced(PriceListFactory(kind="market"), "100.00", sku="CARD-1")
    PaymentAdjustment.objects.create(method="card", installments=3, percent=D("3"))
    PaymentAdjustment.objects.create(method="on_account", installments=6, percent=D("4"))
    return dealer, owner, product


def card_order(owner, product, quantity=2, installments=1):
    return ordering.place_order(actor=actor_of(owner), lines=[(product, quantity)],
                                checkout=ordering.Checkout(payment_method="card", installments=installments))


def captured(owner, product):
    """A card order authorised, confirmed, shipped (so invoiced) and captured."""
    order = card_order(owner, product)
    card, _ = authorise(owner, order)
    staff = StaffFactory()
    changes.set_status(actor=staff, order=order, status=OrderStatus.CONFIRMED)
    changes.set_status(actor=staff, order=order, status=OrderStatus.SHIPPED)
    return order, cards.capture_card_payment(card.pk)


def authorise(owner, order, approve=True):
    card, url = cards.start_card_payment(actor=actor_of(owner), order=order, return_url="http://testserver/back/")
    get_provider().decide(card.reference, approve=approve)
    return cards.complete_card_authorisation(reference=card.reference), url


# --- choices -----------------------------------------------------------------------------------------------------

def test_checkout_offers_each_method_and_pricings_installment_plans(setup, settings):
    dealer, owner, product = setup
    options = [(o.value, o.label) for o in payment_options(dealer)]
    assert options == [("on_account", "On account"), ("on_account:6", "On account, 6 monthly installments (+4 %)"),
                       ("wire", "Wire transfer"), ("card", "Card"),
                       ("card:3", "Card, 3 monthly installments (+3 %)")]
    # Without a provider there is no card; an account allowing only wire offers only wire.
    settings.CARD_PAYMENT_PROVIDER = ""
    assert [o.value for o in payment_options(dealer)] == ["on_account", "on_account:6", "wire"]
    CreditAccount.objects.create(dealer=dealer, credit_limit=D("1000"), allowed_methods=["wire"])
    assert [o.value for o in payment_options(dealer)] == ["wire"]


def test_an_installment_plan_is_priced_in_and_kept_on_the_order(setup):
    dealer, owner, product = setup
    order = card_order(owner, product, quantity=1, installments=3)
    assert order.installments == 3 and order.total_net == D("103.00") and order.total_gross == D("123.60")
    assert order.lines.get().rules[-1]["kind"] == "payment"


@pytest.mark.parametrize("method, installments, message", [
    ("card", 6, "Card can be paid at once or in 3 installments, not in 6."),
    ("wire", 3, "Wire transfer is paid at once; there is no installment plan for it."),
    ("card", "x", "Enter a whole number of installments."),
    ("cheque", 1, "Choose a payment method."),
])
def test_a_plan_pricing_does_not_offer_is_refused_and_nothing_is_placed(setup, method, installments, message):
    dealer, owner, product = setup
    with pytest.raises(InvalidCheckout) as exc:
        ordering.place_order(actor=actor_of(owner), lines=[(product, 1)],
                             checkout=ordering.Checkout(payment_method=method, installments=installments))
    assert str(exc.value.message) == message
    assert not Order.objects.exists()


def test_card_is_refused_when_no_provider_is_configured(setup, settings):
    dealer, owner, product = setup
    settings.CARD_PAYMENT_PROVIDER = ""
    with pytest.raises(InvalidCheckout, match="Card is not available"):
        card_order(owner, product)


def test_the_api_lists_the_choices_and_places_an_installment_order(setup, client):
    dealer, owner, product = setup
    client.force_login(owner)
    listed = client.get("/api/v1/me/payment-options/").json()
    assert {"method": "card", "installments": 3, "percent": "3.00",
            "label": "Card, 3 monthly installments (+3 %)", "unavailable": ""} in listed
    bad = client.post("/api/v1/me/orders/", {"lines": [{"sku": "CARD-1", "quantity": "1"}], "payment_method": "wire",
                                             "installments": 6}, content_type="application/json")
    assert bad.status_code == 400 and "no installment plan" in bad.content.decode()
    good = client.post("/api/v1/me/orders/", {"lines": [{"sku": "CARD-1", "quantity": "1"}],
                                              "payment_method": "on_account", "installments": 6},
                       content_type="application/json")
    assert good.status_code == 201, good.content
    assert good.json()["installments"] == 6 and good.json()["total_net"] == "104.00"


def test_the_checkout_page_reviews_and_places_an_installment_plan(setup, client):
    from orders.services.cart import add_to_cart

    dealer, owner, product = setup
    add_to_cart(actor=actor_of(owner), product=product, quantity=1)
    client.force_login(owner)
    page = client.get(reverse("orders:checkout")).content.decode()
    assert 'value="on_account:6"' in page and "On account, 6 monthly installments (+4 %)" in page
    form = {"shipping_address": str(dealer.addresses.get(kind="shipping").pk),
            "billing_address": str(dealer.addresses.get(kind="billing").pk), "shipping_method": "standard",
            "payment_method": "on_account:6", "token": "tok-inst-1"}
    review = client.post(reverse("orders:checkout"), {**form, "step": "review"}).content.decode()
    assert 'id="installment-note"' in review and "6 monthly installments" in review and "124.80" in review
    bad = client.post(reverse("orders:checkout"), {**form, "payment_method": "on_account:5", "step": "place"})
    assert bad.status_code == 200 and not Order.objects.exists()
    placed = client.post(reverse("orders:checkout"), {**form, "step": "place"})
    order = Order.objects.get()
    assert placed.status_code == 302 and order.installments == 6 and order.total_gross == D("124.80")


# --- the card's life ---------------------------------------------------------------------------------------------

def test_a_card_order_waits_for_its_authorisation(setup):
    dealer, owner, product = setup
    order = card_order(owner, product)
    staff = StaffFactory()
    with pytest.raises(cards.CardPaymentPending, match="waits for its card payment"):
        changes.set_status(actor=staff, order=order, status=OrderStatus.CONFIRMED)
    declined, _url = authorise(owner, order, approve=False)
    assert declined.status == CP.DECLINED
    with pytest.raises(cards.CardPaymentPending):
        changes.set_status(actor=staff, order=order, status=OrderStatus.CONFIRMED)
    card, url = authorise(owner, order)
    assert card.status == CP.AUTHORISED and card.amount == order.total_gross
    assert url == reverse("payments:offline_card_page", args=[card.reference])
    assert changes.set_status(actor=staff, order=order, status=OrderStatus.CONFIRMED).status == OrderStatus.CONFIRMED
    # Paid: no second card payment, and the order cannot grow past what the card authorised.
    with pytest.raises(cards.CardNotPayable, match="already paid by card"):
        cards.start_card_payment(actor=actor_of(owner), order=order, return_url="http://testserver/back/")
    line = order.lines.get()
    with pytest.raises(cards.CardNotPayable, match="cannot grow past"):
        changes.change_order_quantities(actor=actor_of(owner), order=order, quantities={line.pk: "3"})


def test_coming_back_twice_or_paying_in_two_tabs_charges_once(setup):
    dealer, owner, product = setup
    order = card_order(owner, product)
    first, _ = cards.start_card_payment(actor=actor_of(owner), order=order, return_url="http://testserver/back/")
    second, _ = cards.start_card_payment(actor=actor_of(owner), order=order, return_url="http://testserver/back/")
    provider = get_provider()
    provider.decide(first.reference, approve=True)
    provider.decide(second.reference, approve=True)
    assert cards.complete_card_authorisation(reference=first.reference).status == CP.AUTHORISED
    assert cards.complete_card_authorisation(reference=first.reference).status == CP.AUTHORISED
    assert cards.complete_card_authorisation(reference=second.reference).status == CP.RELEASED
    assert provider.state(second.reference)["status"] == "released"
    assert CardPayment.objects.filter(order=order, status=CP.AUTHORISED).count() == 1


def test_the_invoice_captures_the_card_and_is_paid(setup):
    dealer, owner, product = setup
    order, card = captured(owner, product)
    invoice = Invoice.objects.get(order=order)
    assert card.status == CP.CAPTURED and card.captured == invoice.total_gross == D("240.00")
    assert invoice.status == InvoiceStatus.PAID and invoice.installments == 1
    assert card.payment.kind == "card" and card.payment.reference == card.reference
    assert get_provider().state(card.reference)["status"] == "captured"
    # Capturing again changes nothing.
    assert cards.capture_card_payment(card.pk).payment_id == card.payment_id


def test_releasing_a_cancelled_card_orders_authorisation_frees_the_card(setup):
    """The release itself; that cancelling enqueues it is proven with a real worker (test_cards_worker)."""
    dealer, owner, product = setup
    order = card_order(owner, product)
    card, _ = authorise(owner, order)
    changes.set_status(actor=StaffFactory(), order=order, status=OrderStatus.CANCELLED)
    card = cards.release_card_payment(card.pk)
    assert card.status == CP.RELEASED and get_provider().state(card.reference)["status"] == "released"
    with pytest.raises(cards.CardNotPayable):
        cards.start_card_payment(actor=actor_of(owner), order=order, return_url="http://testserver/back/")


def test_a_dealer_cancelling_its_card_order_releases_the_authorisation(setup, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    """Cancelling through the dealer's own path runs payments' status listener, as the staff path does: the release
    is enqueued at once instead of waiting for the hourly sweep."""
    import portal.queue
    from payments.tasks import release_card_payment_task

    dealer, owner, product = setup
    order = card_order(owner, product)
    card, _ = authorise(owner, order)
    sent = []
    monkeypatch.setattr(portal.queue, "enqueue", lambda task, *args, **kwargs: sent.append((task.name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        changes.cancel_order(actor=actor_of(owner), order=order)
    assert (release_card_payment_task.name, (card.pk,)) in sent


def test_finance_refunds_what_a_credit_note_frees_and_the_statement_shows_it(setup):
    dealer, owner, product = setup
    order, card = captured(owner, product)
    finance = FinanceStaffFactory()
    with pytest.raises(NotAllowed):
        cards.refund_card_payment(actor=owner, card_payment=card, amount="10.00", reason="x")
    # All of it still pays the invoice: nothing is the dealer's to get back yet.
    with pytest.raises(NotRefundable):
        cards.refund_card_payment(actor=finance, card_payment=card, amount="60.00", reason="Returned one")
    note = allocation.issue_credit_note(actor=finance, dealer=dealer, amount="120.00", reason="Return of one unit")
    refund = cards.refund_card_payment(actor=finance, card_payment=card, amount="120.00", reason="Return of one unit")
    card.refresh_from_db()
    note.refresh_from_db()
    invoice = Invoice.objects.get(order=order)
    assert refund.amount == D("120.00") and card.refunded == D("120.00") and card.status == CP.REFUNDED
    assert invoice.status == InvoiceStatus.PAID and invoice.settled == D("240.00")  # the credit note took its place
    assert note.allocated == D("120.00") and card.payment.unallocated == D("0.00")
    assert get_provider().state(card.reference)["refunded"] == "120.00"
    with pytest.raises(cards.OverRefund):
        cards.refund_card_payment(actor=finance, card_payment=card, amount="120.01", reason="Too much")
    today = datetime.date.today()
    statement = statements.build_statement(dealer=dealer, date_from=today, date_to=today)
    kinds = [(row.kind, row.debit, row.credit) for row in statement.rows]
    assert ("refund", D("120.00"), D("0")) in kinds
    # Invoice 240 − card payment 240 − credit note 120 + refund 120 = 0.
    assert statement.closing == D("0.00")
    assert CardRefund.objects.get().number.startswith("RFD-")


# --- pages -------------------------------------------------------------------------------------------------------

def test_pay_by_card_from_the_order_page_through_the_offline_page(setup, client):
    dealer, owner, product = setup
    order = card_order(owner, product)
    client.force_login(owner)
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'id="pay-by-card"' in page and "240.00" in page
    to_provider = client.post(reverse("payments:card_pay", args=[order.number]))
    card = CardPayment.objects.get(order=order)
    assert to_provider.status_code == 302 and to_provider["Location"].endswith(card.reference + "/")
    provider_page = client.get(to_provider["Location"]).content.decode()
    assert "Offline test payment provider" in provider_page and "no card is charged" in provider_page
    assert "card number" not in provider_page.lower() and 'name="cvc"' not in provider_page
    back = client.post(to_provider["Location"], {"decision": "approve"})
    assert back.status_code == 302 and back["Location"].startswith("http://testserver/payments/card/return/")
    done = client.get(back["Location"], follow=True).content.decode()
    assert "is authorised" in done and 'id="pay-by-card"' not in done
    assert CardPayment.objects.get(order=order).status == CP.AUTHORISED


def test_another_dealers_order_and_card_return_are_404(setup, client):
    dealer, owner, product = setup
    order = card_order(owner, product)
    card, _ = cards.start_card_payment(actor=actor_of(owner), order=order, return_url="http://testserver/back/")
    stranger = DealerUserFactory(dealer=with_addresses(DealerFactory()), role=Role.OWNER)
    client.force_login(stranger)
    assert client.post(reverse("payments:card_pay", args=[order.number])).status_code == 404
    assert client.get(reverse("payments:card_return"), {"reference": card.reference}).status_code == 404
    assert CardPayment.objects.get(pk=card.pk).status == CP.STARTED


def test_the_offline_page_is_gone_without_the_offline_provider(setup, client, settings):
    dealer, owner, product = setup
    order = card_order(owner, product)
    card, url = cards.start_card_payment(actor=actor_of(owner), order=order, return_url="http://testserver/back/")
    settings.CARD_PAYMENT_PROVIDER = ""
    assert client.get(url).status_code == 404


def test_production_refuses_the_offline_provider(settings):
    from payments.checks import offline_card_provider_only_in_development

    settings.DEBUG, settings.CARD_PAYMENT_PROVIDER = False, OFFLINE
    assert [e.id for e in offline_card_provider_only_in_development(None)] == ["payments.E001"]
    settings.CARD_PAYMENT_PROVIDER = ""
    assert offline_card_provider_only_in_development(None) == []


def test_finance_refunds_from_the_admin_and_a_refusal_keeps_the_form(setup, client):
    dealer, owner, product = setup
    _order, card = captured(owner, product)
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:payments_cardpayment_changelist")
    data = {"action": "refund_selected", "_selected_action": [card.pk], "amount": "50.00", "reason": "Goodwill",
            "token": "first-refund"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "still pays its invoices" in refused.content.decode()
    assert 'value="Goodwill"' in refused.content.decode() and not CardRefund.objects.exists()
    allocation.issue_credit_note(actor=admin, dealer=dealer, amount="50.00", reason="Goodwill")
    done = client.post(url, data, follow=True)
    assert "refunded to the card" in done.content.decode() and CardRefund.objects.get().amount == D("50.00")


def test_a_double_submitted_refund_form_refunds_once_and_a_reused_one_refunds_nothing(setup, client):
    """The refund form carries a one-time token (an Idempotency-Key): a double click or a reload refunds once."""
    dealer, owner, product = setup
    _order, card = captured(owner, product)
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    allocation.issue_credit_note(actor=admin, dealer=dealer, amount="100.00", reason="Goodwill")
    url = reverse("admin:payments_cardpayment_changelist")
    data = {"action": "refund_selected", "_selected_action": [card.pk], "amount": "30.00", "reason": "Goodwill",
            "token": "refund-once"}
    first = client.post(url, data, follow=True)
    assert "refunded to the card" in first.content.decode()
    again = client.post(url, data, follow=True)
    assert "already made" in again.content.decode()
    assert list(CardRefund.objects.values_list("amount", flat=True)) == [D("30.00")]
    other = client.post(url, {**data, "amount": "40.00"})
    assert "already used for another refund" in other.content.decode()
    assert list(CardRefund.objects.values_list("amount", flat=True)) == [D("30.00")]


def test_the_providers_notification_and_the_sweep_complete_a_payment_the_dealer_never_came_back_from(setup, client):
    from django.utils import timezone

    dealer, owner, product = setup
    notified_order, swept_order, abandoned_order = (card_order(owner, product) for _ in range(3))
    started = {}
    for name, order in (("notified", notified_order), ("swept", swept_order), ("abandoned", abandoned_order)):
        started[name], _url = cards.start_card_payment(actor=actor_of(owner), order=order,
                                                       return_url="http://testserver/back/")
        get_provider().decide(started[name].reference, approve=True)
    url = reverse("payments:card_notify")
    assert client.post(url, {"reference": "offline-test-forged"}).status_code == 404
    assert client.get(url, {"reference": started["notified"].reference}).status_code == 405
    answer = client.post(url, {"reference": started["notified"].reference})
    assert answer.status_code == 200 and answer.content == b"authorised"
    now = timezone.now()
    CardPayment.objects.filter(pk=started["swept"].pk).update(created_at=now - datetime.timedelta(minutes=20))
    CardPayment.objects.filter(pk=started["abandoned"].pk).update(created_at=now - datetime.timedelta(days=3))
    assert cards.settle_authorised_card_payments()["asked"] == 1
    statuses = {name: CardPayment.objects.get(pk=card.pk).status for name, card in started.items()}
    assert statuses == {"notified": CP.AUTHORISED, "swept": CP.AUTHORISED, "abandoned": CP.STARTED}


def test_an_authorisation_with_nothing_left_to_capture_is_released(setup):
    dealer, owner, product = setup
    order = card_order(owner, product)
    card, _ = authorise(owner, order)
    staff = StaffFactory()
    changes.set_status(actor=staff, order=order, status=OrderStatus.CONFIRMED)
    changes.set_status(actor=staff, order=order, status=OrderStatus.SHIPPED)
    # Finance settled the invoice another way before the capture ran.
    allocation.issue_credit_note(actor=FinanceStaffFactory(), dealer=dealer, amount="240.00", reason="Goodwill")
    card = cards.capture_card_payment(card.pk)
    assert card.status == CP.RELEASED and card.captured == D("0.00") and card.payment_id is None
    assert get_provider().state(card.reference)["status"] == "released"
