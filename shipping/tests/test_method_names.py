"""A shipping method is named in the READER's language, not the placer's (issue 14, section 1): the order keeps the
method's code and answers its name through orders.shipping_method_name (shipping: ShippingMethod.label(language));
the name stored when placed is only the fallback for a method that is gone. The order page, the API, the invoice
(in the dealer's language) and the order mails (each in its recipient's language) all name it so; the mails carry
the shipping line (method, charge, insurance)."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from dealers.testing import DealerUserFactory
from orders.services import ordering
from orders.testing import actor_of
from payments.services import invoices
from portal.models import Notification
from portal.outbox import render_notification
from shipping.models import RateKind, ShippingMethod
from shipping.testing import method_with

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def express(dealer):
    return method_with({"kind": RateKind.FLAT, "price": "120.00"}, code="fast", name_en="Express",
                       name_tr="Hızlı kargo", vat_rate=D("20.00"), insurance_rate_percent=D("1.00"),
                       insurance_minimum=D("25.00"))


def place_as(user, lines, language, **values):
    with translation.override(language):
        return ordering.place_order(actor=actor_of(user), lines=lines,
                                    checkout=ordering.Checkout(shipping_method="fast", **values))


@pytest.mark.parametrize("placer_language, reader_language, reader_sees, placer_word", [
    ("tr", "en", "Express", "Hızlı kargo"),
    ("en", "tr", "Hızlı kargo", "Express"),
])
def test_the_order_page_names_the_method_in_the_readers_language(client, dealer, addresses, panel, express,
                                                                 placer_language, reader_language, reader_sees,
                                                                 placer_word):
    placer = DealerUserFactory(dealer=dealer, role="buyer", language=placer_language)
    reader = DealerUserFactory(dealer=dealer, role="owner", language=reader_language)
    order = place_as(placer, [(panel, 2)], placer_language)
    assert order.shipping_label == placer_word  # stored as the placer saw it: only a fallback
    client.force_login(reader)
    page = client.get(order.get_absolute_url()).content.decode()
    assert f'<dd id="order-shipping-method">{reader_sees}</dd>' in page
    assert placer_word not in page
    answer = client.get(reverse("api:me-order", args=[order.number]), HTTP_ACCEPT_LANGUAGE=reader_language)
    assert (answer.json()["shipping_method"], answer.json()["shipping_label"]) == ("fast", reader_sees)


@pytest.mark.parametrize("owner_language, placer_language, line", [
    ("en", "tr", "Shipping: Express"),
    ("tr", "en", "Sevkiyat: Hızlı kargo"),
])
def test_the_invoice_names_the_method_in_the_dealers_language(dealer, addresses, panel, express, staff,
                                                              owner_language, placer_language, line):
    DealerUserFactory(dealer=dealer, role="owner", language=owner_language)  # the dealer's document language
    placer = DealerUserFactory(dealer=dealer, role="buyer", language=placer_language)
    order = place_as(placer, [(panel, 2)], placer_language)
    invoice = invoices.issue_invoice(order=order, actor=staff)
    assert invoice.lines.get(sku=invoices.SHIPPING_SKU).name == line


def test_a_method_gone_is_named_as_it_was_when_placed(dealer, owner, addresses, panel, express):
    order = place_as(owner, [(panel, 1)], "tr")
    order.lines.all().delete()  # the order's lines hold no key to the method
    ShippingMethod.objects.filter(pk=express.pk).delete()
    with translation.override("en"):
        assert order.shipping_method_name() == "Hızlı kargo"
    assert ordering.shipping_method_name("nothing-like-it") == "nothing-like-it"


def test_a_renamed_method_is_named_anew(dealer, owner, addresses, panel, express):
    order = place_as(owner, [(panel, 1)], "en")
    with translation.override("en"):
        assert order.shipping_method_name() == "Express"
        express.name_en = "Express 24"
        express.save()
        assert order.shipping_method_name() == "Express 24"  # the cached names are forgotten on save


# --- mails ----------------------------------------------------------------------------------------------------

def rendered(template, user=None):
    rows = Notification.objects.filter(template=template)
    if user is not None:
        rows = rows.filter(user=user)
    subject, text, html = render_notification(rows.get())
    return text, html


def test_the_order_received_mail_has_the_shipping_line_in_its_readers_language(dealer, addresses, panel, express):
    placer = DealerUserFactory(dealer=dealer, role="owner", language="tr")
    place_as(placer, [(panel, 2)], "en", insured=True)
    text, html = rendered("orders/received", placer)
    assert "Hızlı kargo" in text and "Express" not in text  # the recipient's (Turkish) name
    assert "Hızlı kargo" in html and "shipping-line" in html
    staff_text, _html = rendered("orders/staff_new_order")  # staff read the portal's language
    assert "Shipping: Express, 145.00 TRY net + 29.00 TRY VAT" in staff_text
    assert "incl. cargo insurance 25.00 TRY net" in staff_text


def test_an_approvers_mail_names_the_method_and_charge(dealer, addresses, panel, express):
    approver = DealerUserFactory(dealer=dealer, role="approver", language="en")
    buyer = DealerUserFactory(dealer=dealer, role="buyer", language="tr", order_limit=D("10.00"))
    place_as(buyer, [(panel, 1)], "tr")
    text, html = rendered("orders/awaiting_approval", approver)
    assert "Shipping: Express, 120.00 TRY net + 24.00 TRY VAT" in text
    assert "Shipping: Express" in html and "cargo insurance" not in text


def test_a_free_shipping_line_says_free(dealer, owner, addresses, panel):
    # No method set up: orders' fixed methods, free.
    ordering.place_order(actor=actor_of(owner), lines=[(panel, 1)],
                         checkout=ordering.Checkout(shipping_method="freight"))
    text, _html = rendered("orders/staff_new_order")
    assert "Shipping: Freight, free" in text


def test_the_confirmation_mail_has_the_shipping_line(dealer, owner, addresses, panel, express, staff):
    from orders.services import set_status

    order = place_as(owner, [(panel, 1)], "en")
    set_status(actor=staff, order=order, status="confirmed")
    text, _html = rendered("orders/status_changed", owner)
    assert "Shipping: Express, 120.00 TRY net" in text
