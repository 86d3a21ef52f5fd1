"""The answer to `POST /api/v1/me/orders/` is built from what the service wrote (orders.api.orders.placed_order_body,
issue 18) instead of reading the order back: it must be exactly what `GET /api/v1/me/orders/{number}/` answers right
after, byte for byte, in the reader's language and time zone, for lines and cart orders, placed and waiting ones, and
an idempotent replay answers it again."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Unit
from orders.models import Order, OrderStatus
from orders.testing import CartFactory, CartLineFactory, priced
from payments.models import CreditAccount

URL = "/api/v1/me/orders/"


@pytest.fixture
def products(market):
    return [priced(market, "100.00", sku="LED-600", name="LED panel 60x60"),
            priced(market, "4.25", sku="KB-1", name="NYM <cable> & \"more\"", unit=Unit.METRE,
                   min_order_quantity=Decimal("0.5"), order_multiple=Decimal("0.5")),
            priced(market, "12.35", sku="CAB-3X25", name="Kablo kutusu ğüşiöç", unit=Unit.BOX,
                   stock_quantity=Decimal(3), allow_backorder=True)]


def _same_as_get(client, response, **headers):
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    read = client.get(f"{URL}{number}/", **headers)
    assert read.status_code == 200
    assert response.content == read.content
    return response.json()


@pytest.mark.parametrize("language", ["en", "tr"])
def test_the_answer_to_a_lines_order_is_the_order_as_read(token_client, owner, dealer, addresses, products, language):
    CreditAccount.objects.create(dealer=dealer, credit_limit=Decimal("1000000.00"))
    client = token_client(owner, "account")
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    body = {"lines": [{"sku": "led-600", "quantity": "2"}, {"sku": "KB-1", "quantity": "2,5"},
                      {"product": products[2].pk, "quantity": 5}, {"sku": "LED-600", "quantity": "1"}],
            "po_number": "  PO-7 ", "notes": "Kapıya bırakın\nteşekkürler",
            "requested_delivery_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()}

    response = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="answer-1", **headers)

    answer = _same_as_get(client, response, **headers)
    assert [line["quantity"] for line in answer["lines"]] == ["3.000", "2.500", "5.000"]
    assert answer["status"] == OrderStatus.PLACED and answer["history"][0]["status"] == OrderStatus.PLACED
    # A backorder beyond the stock took what there was; the answer holds the same as the database.
    assert Order.objects.get(number=answer["number"]).lines.get(sku="CAB-3X25").stock_taken == Decimal(3)
    replay = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="answer-1", **headers)
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.content == response.content


def test_the_answer_to_a_waiting_order_is_the_order_as_read(token_client, buyer, addresses, products):
    buyer.order_limit = Decimal("10.00")
    buyer.save()
    client = token_client(buyer, "account")

    response = client.post(URL, {"lines": [{"sku": "LED-600", "quantity": "1"}]}, format="json",
                           HTTP_IDEMPOTENCY_KEY="answer-2")

    assert _same_as_get(client, response)["status"] == OrderStatus.PENDING_APPROVAL


def test_the_answer_to_a_cart_order_is_the_order_as_read(token_client, owner, dealer, addresses, products, settings):
    settings.TIME_ZONE = "America/New_York"
    CreditAccount.objects.create(dealer=dealer, credit_limit=Decimal("1000000.00"))
    cart = CartFactory(user=owner, dealer=dealer)
    for product in products[:2]:
        CartLineFactory(cart=cart, product=product, quantity=Decimal("1.5") if product.sku == "KB-1" else 1)
    client = token_client(owner, "account")

    response = client.post(URL, {"shipping_method": "standard"}, format="json", HTTP_IDEMPOTENCY_KEY="answer-3")

    answer = _same_as_get(client, response)
    assert [line["sku"] for line in answer["lines"]] == ["LED-600", "KB-1"]
    assert answer["created_at"].endswith("-05:00")


def test_without_a_key_the_answer_is_the_order_as_read(token_client, owner, dealer, addresses, products):
    CreditAccount.objects.create(dealer=dealer, credit_limit=Decimal("1000000.00"))
    client = token_client(owner, "account")

    response = client.post(URL, {"lines": [{"sku": "KB-1", "quantity": "1.5"}], "insured": False}, format="json")

    _same_as_get(client, response)
