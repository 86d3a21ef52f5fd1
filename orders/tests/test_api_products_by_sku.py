"""An API order reads its products by SKU with a query built once per process (orders.api.common._find_products,
issue 18): the same products, whole, and the same choice as catalog.skus.find_products, in one query."""
import random

import pytest

from catalog.skus import find_products
from orders.api import common
from orders.testing import OrdersProductFactory

pytestmark = pytest.mark.django_db


def _values(product):
    return {field.attname: getattr(product, field.attname) for field in type(product)._meta.concrete_fields}


def _same(found, expected):
    assert found.keys() == expected.keys()
    for key, product in found.items():
        assert _values(product) == _values(expected[key]) and not product.get_deferred_fields()


def test_the_same_products_as_find_products_whatever_the_case_spacing_and_repeats(django_assert_max_num_queries):
    for n in range(30):
        OrdersProductFactory(sku=f"LED-{n:02d}")
    OrdersProductFactory(sku="Mixed-7")
    OrdersProductFactory(sku="MIXED-7")  # differs from the one above only in case: the one spelt as asked wins
    OrdersProductFactory(sku="mixed-7")
    pool = [f"LED-{n:02d}" for n in range(30)] + ["led-03", " LED-04 ", "Mixed-7", "MIXED-7", "mixed-7", "mIxEd-7",
                                                  "NOPE-1", "nope-1", "  "]
    rng = random.Random(18)
    for count in list(range(1, 24)) + [40]:
        skus = [rng.choice(pool) for _ in range(count)]
        expected = find_products(skus)
        with django_assert_max_num_queries(1):  # compiled or not (none for blank SKUs only)
            found = common._find_products(skus)
        _same(found, expected)
    for skus in (["Mixed-7"], ["MIXED-7"], ["mixed-7"], ["mIxEd-7"], ["mixed-7", "Mixed-7"], ["nope"], ["  "]):
        _same(common._find_products(skus), find_products(skus))
    assert common._find_products(["mIxEd-7"])["MIXED-7"].sku in {"Mixed-7", "MIXED-7", "mixed-7"}
    assert common._find_products(["mixed-7"])["MIXED-7"].sku == "mixed-7"


def test_an_order_by_sku_reads_its_products_once_as_before(token_client, owner, dealer, addresses, market):
    from orders.testing import priced

    panel = priced(market, "10.00", sku="Panel-60", stock_quantity=10)
    response = token_client(owner, "account").post(
        "/api/v1/me/orders/", {"lines": [{"sku": "panel-60", "quantity": "1"}, {"sku": "NOPE", "quantity": "1"}]},
        format="json", HTTP_IDEMPOTENCY_KEY="unknown-sku")
    assert response.status_code == 400 and "NOPE" in response.json()["detail"], response.content
    response = token_client(owner, "account").post(
        "/api/v1/me/orders/", {"lines": [{"sku": " panel-60 ", "quantity": "1"}]}, format="json",
        HTTP_IDEMPOTENCY_KEY="known-sku")
    assert response.status_code == 201, response.content
    assert response.json()["lines"][0]["sku"] == panel.sku
