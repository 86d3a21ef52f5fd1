"""Units as codes: an order placed in any language keeps "piece", pages say "2 pieces" / "1 piece" / "2 adet" in the
reader's language, old lines that hold a translated name ("adet", "метър") get their code back from the migrations."""
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from catalog import services as catalog_services
from catalog.errors import OutOfStock
from catalog.models import Unit
from catalog.units import quantity_with_unit, unit_code, unit_word
from dealers.models import Role
from dealers.testing import DealerUserFactory, StaffFactory
from orders.models import OrderLine
from orders.services import ordering
from orders.testing import actor_of, priced
from payments.models import InvoiceLine
from payments.services import invoices

orders_migration = importlib.import_module("orders.migrations.0005_order_line_unit_codes")
payments_migration = importlib.import_module("payments.migrations.0003_invoice_line_unit_codes")


@pytest.fixture
def cable(market):
    return priced(market, "4.20", sku="KB-1", name="NYM cable", unit=Unit.METRE, min_order_quantity=Decimal("0.5"),
                  order_multiple=Decimal("0.5"), stock_quantity=100)


@pytest.fixture(autouse=True)
def _dealer_addresses(addresses):
    """Every order here is placed for the dealer's default addresses."""


def _place(owner, lines):
    return ordering.place_order(actor=actor_of(owner), lines=lines, checkout=ordering.Checkout())


@pytest.mark.parametrize(("language", "quantity", "unit", "text"), [
    ("en", "1", Unit.PIECE, "1 piece"), ("en", "2", Unit.PIECE, "2 pieces"), ("en", "0", Unit.PIECE, "0 pieces"),
    ("en", "2.5", Unit.METRE, "2.5 metres"), ("en", "15", Unit.BOX, "15 boxes"), ("en", "1", Unit.BOX, "1 box"),
    ("tr", "2", Unit.PIECE, "2 adet"), ("tr", "1", Unit.PIECE, "1 adet"), ("tr", "15", Unit.BOX, "15 kutu"),
    ("bg", "2", Unit.PIECE, "2 броя"), ("bg", "1", Unit.PIECE, "1 брой"),
])
def test_a_quantity_reads_with_its_unit_in_the_plural_form_of_the_language(language, quantity, unit, text):
    with translation.override(language):
        assert quantity_with_unit(Decimal(quantity), unit) == text


def test_the_unit_word_after_a_quantity_field_follows_the_quantity():
    with translation.override("en"):
        assert (unit_word(Decimal("2"), "piece"), unit_word(Decimal("1"), "piece")) == ("pieces", "piece")
    with translation.override("tr"):
        assert unit_word(Decimal("2"), "box") == "kutu"


@pytest.mark.parametrize(("stored", "code"), [
    ("piece", "piece"), ("adet", "piece"), ("Adet", "piece"), ("брой", "piece"), ("cái", "piece"), ("件", "piece"),
    ("kutu", "box"), ("盒", "box"), ("takım", "set"), ("метър", "metre"), ("metre", "metre"), ("metrekare", "m2"),
    ("平方米", "m2"), ("lít", "litre"), ("kg", "kg"), ("bucket", None), ("", None),
])
def test_a_stored_unit_name_in_any_language_gives_its_code(stored, code):
    assert unit_code(stored) == code


def test_an_order_placed_in_turkish_keeps_the_unit_code(owner, panel, boxed):
    with translation.override("tr"):
        order = _place(owner, [(panel, 2), (boxed, 15)])
    assert sorted(order.lines.values_list("sku", "unit")) == [("CAB-3X25", "box"), ("LED-600", "piece")]


def test_the_order_page_says_the_quantity_with_its_unit_in_the_readers_language(client, owner, dealer, market, panel,
                                                                                cable):
    lamp = priced(market, "30.00", sku="LMP-1", name="Desk lamp", stock_quantity=10)
    with translation.override("tr"):  # the old code stored "adet" here
        order = _place(owner, [(panel, 2), (lamp, 1), (cable, Decimal("2.5"))])
    client.force_login(owner)  # the owner may still change the quantities: a field, then the unit's word
    html = client.get(reverse("orders:order", args=[order.number])).content.decode()
    assert '<span class="unit">pieces</span>' in html and '<span class="unit">piece</span>' in html
    client.force_login(DealerUserFactory(dealer=dealer, role=Role.VIEWER, language="en"))
    html = client.get(reverse("orders:order", args=[order.number])).content.decode()
    assert "2 pieces" in html and "1 piece<" in html and "2.5 metres" in html
    assert "adet" not in html

    turkish = DealerUserFactory(dealer=dealer, role=Role.VIEWER, language="tr")
    client = Client()  # a new browser: the page follows the account's language
    client.force_login(turkish)
    html = client.get(reverse("orders:order", args=[order.number])).content.decode()
    assert "2 adet" in html and "1 adet" in html and "2,5 metre" in html
    assert "piece" not in html


def test_the_api_answers_the_unit_code_and_its_name(client, owner, panel):
    order = _place(owner, [(panel, 2)])
    client.force_login(owner)
    line = client.get(reverse("api:me-order", args=[order.number])).json()["lines"][0]
    assert (line["unit"], line["unit_label"]) == ("piece", "piece")


@pytest.mark.django_db(transaction=True)
def test_short_stock_names_what_is_left_with_its_plural_unit(market):
    lamp = priced(market, "30.00", sku="LMP-0", name="Lamp", stock_quantity=0, allow_backorder=False)
    with pytest.raises(OutOfStock) as info, transaction.atomic():
        catalog_services.take_stock(quantities={lamp.pk: Decimal(2)})
    assert "LMP-0 (0 pieces available)" in str(info.value.message)


def test_the_migration_turns_stored_names_of_every_language_back_into_codes(owner, panel, boxed, cable):
    order = _place(owner, [(panel, 2), (boxed, 15), (cable, Decimal("1.5"))])
    stored = {"LED-600": "adet", "CAB-3X25": "кутия", "KB-1": "garbled"}  # the last one: the product's unit
    for sku, text in stored.items():
        OrderLine.objects.filter(order=order, sku=sku).update(unit=text)
    orders_migration.labels_to_codes(django_apps, None)
    assert dict(order.lines.values_list("sku", "unit")) == {"LED-600": "piece", "CAB-3X25": "box", "KB-1": "metre"}


def test_the_invoice_migration_uses_the_name_then_the_order_line_then_the_product(owner, panel, boxed, cable):
    order = _place(owner, [(panel, 2), (boxed, 15), (cable, Decimal("1.5"))])
    invoice = invoices.issue_invoice(order=order, actor=StaffFactory())
    InvoiceLine.objects.filter(invoice=invoice, sku="LED-600").update(unit="件")
    InvoiceLine.objects.filter(invoice=invoice, sku="CAB-3X25").update(unit="???")  # → the order line's product
    InvoiceLine.objects.filter(invoice=invoice, sku="KB-1").update(unit="mét")
    payments_migration.labels_to_codes(django_apps, None)
    assert dict(invoice.lines.values_list("sku", "unit")) == {"LED-600": "piece", "CAB-3X25": "box", "KB-1": "metre"}


def test_an_invoice_copies_the_unit_code_and_its_page_words_it(client, owner, panel):
    with translation.override("tr"):
        order = _place(owner, [(panel, 2)])
    invoice = invoices.issue_invoice(order=order, actor=StaffFactory())
    assert list(invoice.lines.values_list("unit", flat=True)) == ["piece"]
    client.force_login(owner)
    html = client.get(reverse("payments:invoice", args=[invoice.number])).content.decode()
    assert "2 pieces" in html


def test_the_return_form_says_how_many_units_can_go_back(client, owner, panel):
    from orders.models import OrderStatus

    order = _place(owner, [(panel, 2)])
    type(order).objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)
    line = order.lines.get()
    client.force_login(owner)
    html = client.get(reverse("orders:order_return", args=[order.number, line.pk])).content.decode()
    assert "You can return up to 2 pieces." in html


def test_a_product_card_words_the_unit_after_its_minimum(client, owner, boxed):
    client.force_login(owner)
    html = client.get(reverse("catalog:list")).content.decode()
    card = html[html.index('data-sku="CAB-3X25"'):]
    assert '<small>boxes</small>' in card[:card.index("</article>")]


def test_the_staff_mail_of_a_return_words_the_quantity_with_its_unit(owner, panel):
    from orders.models import OrderStatus
    from orders.services import returns
    from portal.models import Notification
    from portal.outbox import render_notification

    StaffFactory(is_superuser=True, email="returns@staff.example.com")
    order = _place(owner, [(panel, 3)])
    type(order).objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)
    returns.request_return(actor=actor_of(owner), line=order.lines.get(), quantity=Decimal(2), reason="Broken")
    row = Notification.objects.filter(template="orders/staff_return_requested").first()
    _subject, text, html = render_notification(row)
    assert "asks to return 2 pieces of LED-600" in text and "2 pieces" in html
