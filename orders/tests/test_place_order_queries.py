"""Placing an order through the API (`POST /api/v1/me/orders/`) runs a fixed number of queries, whatever the number
of lines, and few of them while the dealer's credit account is locked (every order of the dealer waits on that row,
and the stock rows and the number counter are shared by every dealer's orders). Issue 18."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order, OrderStatus
from orders.testing import priced
from payments.models import CreditAccount

URL = "/api/v1/me/orders/"
# Queries of one order placement, without the savepoints a test's transaction turns each atomic block into.
TOTAL = 17
# From locking the credit account up to the commit: the serial section of one dealer's orders.
# take_stock is one statement (lock, check and take), and feedback's review reward reads nothing when no campaign
# runs for the dealer (order.campaigns_open_to_dealer): 17 and 9 (were 19 and 11).
WHILE_LOCKED = 9


def _placing(client, body, key):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201, response.content
    sqls = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    first_lock = next(i for i, sql in enumerate(sqls) if "payments_creditaccount" in sql and "FOR UPDATE" in sql)
    # The transaction ends with the outbox rows; what follows stores the idempotent answer (built from what was written).
    last_write = max(i for i, sql in enumerate(sqls) if sql.startswith("INSERT INTO \"portal_notification\""))
    return response, sqls, sqls[first_lock:last_write + 1]


@pytest.mark.parametrize("count", [1, 5])
def test_placing_an_order_runs_a_fixed_number_of_queries(token_client, owner, dealer, addresses, market, count):
    CreditAccount.objects.create(dealer=dealer, credit_limit=Decimal("1000000.00"))
    products = [priced(market, f"{10 + i}.00", stock_quantity=100) for i in range(count)]
    client = token_client(owner, "account")
    body = {"lines": [{"sku": p.sku.lower() if i % 2 else p.sku, "quantity": "2"} for i, p in enumerate(products)],
            "po_number": "PO-1"}
    _placing(client, body, "warm-up")  # the content types and the like, read once per process

    response, sqls, locked = _placing(client, body, "counted")

    order = Order.objects.get(number=response.json()["number"])
    assert order.status == OrderStatus.PLACED and order.lines.count() == count
    assert all(line.stock_taken == Decimal(2) for line in order.lines.all())
    assert len(sqls) == TOTAL, "\n".join(sqls)
    assert len(locked) == WHILE_LOCKED, "\n".join(locked)


def test_an_orders_mails_go_to_the_broker_as_one_message(token_client, owner, dealer, addresses, market, monkeypatch,
                                                         django_capture_on_commit_callbacks, settings):
    from portal import outbox
    from portal.models import Notification

    settings.STAFF_NOTIFY_EMAILS = ["sales@example.com", "ops@example.com"]
    CreditAccount.objects.create(dealer=dealer, credit_limit=Decimal("1000000.00"))
    product = priced(market, "10.00", stock_quantity=100)
    sent = []
    monkeypatch.setattr(outbox, "enqueue", lambda task, *args: sent.append((task.name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(owner, "account").post(URL, {"lines": [{"sku": product.sku, "quantity": "2"}]},
                                                       format="json", HTTP_IDEMPOTENCY_KEY="one-message")
    assert response.status_code == 201, response.content
    rows = Notification.objects.order_by("pk")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted([owner.email, "sales@example.com",
                                                                       "ops@example.com"])
    # One broker message for the placer's and the staff's mails (each costs a round trip in the request).
    assert sent == [("portal.outbox.deliver_notifications_task", ([row.pk for row in rows],))]
