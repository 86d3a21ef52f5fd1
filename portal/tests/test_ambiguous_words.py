"""Short English words used in two meanings get a translation per meaning (pgettext contexts): a Turkish admin reads
an order's "numara", not the attribute type "sayı"; an invoice's "sipariş", not a list position "sıra"; the price
filter's "en az / en çok", not the status history's "önceki durum / yeni durum"; Bulgarian status words agree with
their noun; an open invoice is unpaid, not "in progress"."""
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from catalog.models import Attribute, Category
from dealers.models import Dealer
from orders.models import Order, OrderStatusChange, ReturnStatus
from payments.models import Invoice, InvoiceStatus
from pricing.models import QuoteStatus


def _label(model, field):
    return str(model._meta.get_field(field).verbose_name)


def test_turkish_tells_a_number_from_a_numeric_attribute_and_an_order_from_a_list_position():
    with translation.override("tr"):
        assert _label(Order, "number") == _label(Invoice, "number") == "numara"
        assert str(Attribute.Kind.NUMBER.label) == "sayı"
        assert _label(Invoice, "order") == "sipariş"
        assert _label(Category, "ordering") == "sıra"


def test_turkish_tells_a_price_range_from_a_status_change():
    with translation.override("tr"):
        assert _label(OrderStatusChange, "from_status") == "önceki durum"
        assert _label(OrderStatusChange, "to_status") == "yeni durum"
        rendered = Template('{% load i18n %}{% translate "from" context "price range" %}/'
                            '{% translate "to" context "price range" %}').render(Context())
        assert rendered == "en az/en çok"


def test_bulgarian_status_words_agree_with_their_noun():
    with translation.override("bg"):
        assert str(Dealer.Status.REJECTED.label) == "Отхвърлен"  # дилър
        assert str(QuoteStatus.REJECTED.label) == "Отхвърлено"  # like the quote's other statuses
        assert str(ReturnStatus.REJECTED.label) == "Отхвърлено"  # връщане
        assert str(ReturnStatus.APPROVED.label) == "Одобрено"


def test_an_open_invoice_reads_as_unpaid_while_open_quotes_are_in_progress():
    with translation.override("zh-hans"):
        assert str(InvoiceStatus.OPEN.label) == "未结清"
        assert translation.gettext("Open") == "进行中"


@pytest.mark.django_db
def test_the_turkish_admin_order_list_heads_its_number_column_numara(admin_client):
    from dealers.testing import DealerUserFactory
    from orders.services import ordering
    from orders.testing import actor_of, priced, with_addresses
    from pricing.testing import PriceListFactory

    owner = DealerUserFactory(dealer=with_addresses(DealerUserFactory().dealer), role="owner")
    product = priced(PriceListFactory(kind="market"), "100.00", stock_quantity=10)
    ordering.place_order(actor=actor_of(owner), lines=[(product, 1)], checkout=ordering.Checkout())
    admin_client.cookies["django_language"] = "tr"
    page = admin_client.get(reverse("admin:orders_order_changelist")).content.decode()
    header = re.search(r'class="[^"]*column-number[^"]*">.*?<a [^>]*>([^<]+)</a>', page, re.S)
    assert header and header.group(1).strip() == "Numara"


def test_a_button_says_what_it_does_while_a_heading_names_the_thing():
    with translation.override("tr"):
        rendered = Template('{% load i18n %}{% translate "Filter" %}|{% translate "Filter" context "action" %}|'
                            '{% translate "Return" %}|{% translate "Return" context "action" %}').render(Context())
    assert rendered == "Filtre|Filtrele|İade|İade et"


@pytest.mark.django_db
def test_the_turkish_order_filters_button_reads_filtrele(client):
    from dealers.testing import DealerUserFactory

    client.force_login(DealerUserFactory(role="owner"))
    client.cookies["django_language"] = "tr"
    page = client.get(reverse("orders:orders")).content.decode()
    assert '<button type="submit">Filtrele</button>' in page
