"""What the checkout review shows, as services: the billing address in full from the form's number, another dealer's
address refused, and the shipping method's name in the reader's language."""
import pytest
from django.urls import reverse
from django.utils import translation

from dealers.models import Address
from dealers.testing import AddressFactory
from orders.errors import InvalidCheckout
from orders.services import add_to_cart, ordering
from orders.testing import actor_of, with_addresses


def test_the_billing_address_is_described_in_full_from_the_forms_number(actor, dealer, addresses):
    billing = AddressFactory(dealer=dealer, kind=Address.Kind.BILLING, label="Branch accounts", line1="Kordon 41",
                             city="İzmir", postal_code="35210")
    text = ordering.describe_billing(actor, ordering.Checkout(billing_address=billing.pk))
    assert text.splitlines() == ["Branch accounts", "Kordon 41", "35210 İzmir", "TR"]
    assert ordering.describe_billing(actor, ordering.Checkout(billing_address=str(billing.pk))) == text
    assert ordering.describe_billing(actor, ordering.Checkout()).startswith("Head office")  # the default


def test_another_dealers_billing_address_is_refused(actor, addresses, other_dealer):
    foreign = AddressFactory(dealer=other_dealer, kind=Address.Kind.BILLING)
    with pytest.raises(InvalidCheckout):
        ordering.describe_billing(actor, ordering.Checkout(billing_address=foreign.pk))


@pytest.mark.parametrize(("language", "code", "label"), [
    ("en", "standard", "Standard"), ("en", "express", "Express"), ("tr", "standard", "Standart"),
    ("tr", "express", "Ekspres"), ("en", "teleport", "teleport"),
])
def test_the_shipping_method_reads_in_the_readers_language(language, code, label):
    with translation.override(language):
        assert ordering.shipping_method_label(code) == label


def test_the_review_page_shows_the_billing_address_and_the_method_name(client, owner, dealer, panel):
    with_addresses(dealer)
    add_to_cart(actor=actor_of(owner), product=panel, quantity=2)
    billing = dealer.addresses.get(kind=Address.Kind.BILLING)
    shipping = dealer.addresses.get(kind=Address.Kind.SHIPPING)
    client.force_login(owner)
    html = client.post(reverse("orders:checkout"), {
        "step": "review", "token": "t-1", "shipping_address": shipping.pk, "billing_address": billing.pk,
        "shipping_method": "freight", "payment_method": "on_account"}).content.decode()
    assert '<dd id="review-billing">Head office<br>' in html
    assert '<dd id="review-shipping-method">Freight</dd>' in html
    assert ">None<" not in html
