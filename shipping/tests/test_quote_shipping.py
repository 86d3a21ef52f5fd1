"""A quote carries a delivery method and its charge (issue 14, section 1): staff choose one of the dealer's shipping
methods in the editor, pricing asks shipping (pricing.shipping_charge) to price it for the quote's lines to the
dealer's default shipping address, the revision freezes it (snapshot["shipping"], totals with it), the dealer sees it
on the quote page, the PDF and the API, and accepting the quote makes the order with that method and charge, even if
the rates changed meanwhile."""
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from orders.models import Order
from pricing import services
from pricing.errors import InvalidQuoteHeader
from pricing.models import QuoteRevision
from pricing.services.quote_pdf import QUOTE_KIND
from pricing.testing import send
from shipping.errors import HazardousNotCarried, InsuranceNotOffered
from shipping.models import RateKind
from shipping.testing import method_with

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def road(dealer):
    """120.00 net flat at 20 % VAT, free from 5,000.00 net; insurance 1 % at least 30.00."""
    return method_with({"kind": RateKind.FLAT, "price": "120.00"}, code="road", name_en="Road", name_tr="Karayolu",
                       vat_rate=D("20.00"), free_above_net=D("5000.00"), insurance_rate_percent=D("1.00"),
                       insurance_minimum=D("30.00"), carries_hazardous=False)


@pytest.fixture
def air(dealer):
    """300.00 net flat at 10 % VAT, no insurance."""
    return method_with({"kind": RateKind.FLAT, "price": "300.00"}, code="air", name_en="Air", name_tr="Hava",
                       vat_rate=D("10.00"), carries_hazardous=True)


@pytest.fixture
def requested(actor, addresses, panel, road, air):
    return services.request_quote(actor=actor, lines=[(panel, 2)])


def test_a_sent_revision_freezes_the_method_and_its_charge(requested, staff):
    quote = send(staff, requested, delivery_method="road", shipping_insured=True)
    assert (quote.delivery_method, quote.shipping_net, quote.shipping_insurance_net) == ("road", D("150.00"),
                                                                                        D("30.00"))
    snapshot = quote.revisions.get().snapshot
    assert snapshot["shipping"] == {"method": "road", "label": "Road", "net": "150.00", "vat_rate": "20.00",
                                    "vat": "30.00", "gross": "180.00", "insured": True, "insurance_net": "30.00"}
    # 200.00 goods + 40.00 VAT, 150.00 shipping + 30.00 VAT
    assert snapshot["totals"]["net"] == "350.00" and snapshot["totals"]["gross"] == "420.00"


@pytest.mark.parametrize("header, quoted", [
    ({"delivery_method": "road"}, (D("120.00"), D("24.00"), False)),
    ({"delivery_method": "road", "shipping_insured": True}, (D("150.00"), D("30.00"), True)),
    ({"delivery_method": "air"}, (D("300.00"), D("30.00"), False)),
])
def test_accepting_makes_the_order_with_the_quoted_method_and_charge(requested, staff, actor, road, header, quoted):
    quote = send(staff, requested, **header)
    road.rules.update(price=D("999.00"))  # the rates change after the quote was sent: the order keeps the quote's
    services.accept_quote(actor=actor, quote=quote)
    order = Order.objects.get(quote_number=quote.number)
    net, vat, insured = quoted
    assert (order.shipping_method, order.shipping_net, order.shipping_vat, order.shipping_insured) == (
        header["delivery_method"], net, vat, insured)
    assert order.total_gross == D("240.00") + net + vat
    assert str(order.total_gross) == quote.revisions.get().snapshot["totals"]["gross"]


def test_a_revision_sent_before_quotes_carried_a_charge_orders_free(requested, staff, actor):
    quote = send(staff, requested, delivery_method="road")
    revision = quote.revisions.get()
    snapshot = dict(revision.snapshot)
    snapshot.pop("shipping")
    snapshot["header"] = {**snapshot["header"], "delivery_method": "standard"}
    QuoteRevision.objects.filter(pk=revision.pk).update(snapshot=snapshot)
    services.accept_quote(actor=actor, quote=quote)
    order = Order.objects.get(quote_number=quote.number)
    assert order.shipping_method == "standard" and order.shipping_net == 0


@pytest.mark.parametrize("header, error, field", [
    ({"delivery_method": "teleport"}, InvalidQuoteHeader, "delivery_method"),
    ({"delivery_method": "air", "shipping_insured": True}, InsuranceNotOffered, "shipping_insured"),
])
def test_a_method_it_cannot_be_is_refused_on_its_field(requested, staff, header, error, field):
    with pytest.raises(error) as refused:
        services.update_quote(actor=staff, quote=requested, header=header)
    assert refused.value.field == field


def test_a_method_that_cannot_carry_the_goods_is_refused(requested, staff, panel):
    panel.hazardous = True
    panel.save()
    with pytest.raises(HazardousNotCarried) as refused:
        services.update_quote(actor=staff, quote=requested, header={"delivery_method": "road"})
    assert refused.value.field == "delivery_method"
    assert services.update_quote(actor=staff, quote=requested, header={"delivery_method": "air"}).shipping_net == \
        D("300.00")


def test_free_shipping_above_the_threshold_on_the_quote(actor, addresses, panel, road, staff):
    quote = services.request_quote(actor=actor, lines=[(panel, 50)])  # 5,000.00 net
    quote = send(staff, quote, delivery_method="road")
    assert quote.revisions.get().snapshot["shipping"]["net"] == "0.00"


def test_the_editor_offers_the_dealers_methods_priced(client, requested, staff):
    services.start_draft(actor=staff, quote=requested)
    client.force_login(staff)
    html = client.get(reverse("quotes:edit", args=[requested.number])).content.decode()
    assert '<option value="road"' in html and "Road · 120.00 TRY net · insurance 30.00 TRY net" in html
    assert "Air · 300.00 TRY net" in html and 'name="header-shipping_insured"' in html
    assert 'id="editor-shipping"' in html


def test_the_dealer_sees_the_method_and_charge_on_the_page_pdf_and_api(client, requested, staff, owner):
    quote = send(staff, requested, delivery_method="road", shipping_insured=True)
    owner.language = "tr"
    owner.save()
    client.force_login(owner)
    html = client.get(reverse("quotes:detail", args=[quote.number])).content.decode()
    assert "Karayolu" in html and 'class="quote-shipping"' in html and "150,00" in html  # the reader's language
    revision = quote.revisions.get()
    with translation.override("en"):
        context = QUOTE_KIND.context(revision)
        assert str(context["header"]["delivery_method_label"]) == "Road"
        assert context["shipping"]["net"] == D("150.00") and context["shipping"]["insured"]
    from portal.documents import render_pdf

    pdf = render_pdf(template="pdf/quote.html", context=QUOTE_KIND.context(revision), language="tr")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Karayolu" in text and "Sevkiyat: Karayolu (net)" in text and "150,00" in text  # the dealer's language
    accept = client.get(reverse("quotes:accept", args=[quote.number])).content.decode()
    assert 'id="accept-shipping"' in accept and "Karayolu" in accept
    answer = client.get(reverse("api:me-quote", args=[quote.number]), HTTP_ACCEPT_LANGUAGE="en")
    shipping = answer.json()["revisions"][0]["shipping"]
    assert (shipping["method"], shipping["net"], shipping["insured"], shipping["insurance_net"]) == (
        "road", "150.00", True, "30.00")


def test_the_quote_admin_shows_the_method_and_charge(client, requested, staff):
    quote = send(staff, requested, delivery_method="air")
    client.force_login(staff)
    html = client.get(reverse("admin:pricing_quote_change", args=[quote.pk])).content.decode()
    assert "shipping charge (net)" in html.lower() and "300.00" in html and "30.00" in html
