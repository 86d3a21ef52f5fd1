"""take_stock (issue 18: one plain SQL statement): several products at once, backorder or not, all or nothing,
one query, and parallel callers never take more than the stock of a product that does not allow backorders."""
from decimal import Decimal

import pytest
from django.db import transaction

from catalog.errors import OutOfStock
from catalog.models import Product
from catalog.services import take_stock
from catalog.testing import ProductFactory
from portal.testing import run_together


def stock(product):
    return Product.objects.get(pk=product.pk).stock_quantity


@pytest.mark.django_db
def test_several_products_in_one_statement_backorder_stops_at_zero(django_assert_num_queries):
    plain = ProductFactory(stock_quantity=10)
    backorder = ProductFactory(stock_quantity=2, allow_backorder=True)
    empty_backorder = ProductFactory(stock_quantity=0, allow_backorder=True)
    with django_assert_num_queries(1):
        taken = take_stock(quantities={backorder.pk: 5, plain.pk: Decimal("3.5"), empty_backorder.pk: 1,
                                       999_999_999: 1})
    assert taken == {plain.pk: Decimal("3.5"), backorder.pk: Decimal(2), empty_backorder.pk: Decimal(0)}
    assert list(taken) == sorted(taken)  # in product order
    assert (stock(plain), stock(backorder), stock(empty_backorder)) == (Decimal("6.5"), 0, 0)
    assert take_stock(quantities={plain.pk: 0}) == {}


@pytest.mark.django_db
def test_a_short_product_refuses_the_whole_take_naming_every_short_sku():
    plain = ProductFactory(sku="TS-OK", stock_quantity=10)
    short_a = ProductFactory(sku="TS-A", stock_quantity=1)
    short_b = ProductFactory(sku="TS-B", stock_quantity=0)
    backorder = ProductFactory(sku="TS-BO", stock_quantity=0, allow_backorder=True)
    with pytest.raises(OutOfStock) as refused, transaction.atomic():
        take_stock(quantities={plain.pk: 1, short_a.pk: 2, short_b.pk: 1, backorder.pk: 4})
    assert refused.value.params == {"skus": ["TS-A", "TS-B"]}
    assert "TS-A (1 piece available)" in str(refused.value.message)
    assert (stock(plain), stock(short_a), stock(short_b)) == (10, 1, 0)  # nothing taken


@pytest.mark.django_db(transaction=True)
def test_parallel_takes_never_oversell_and_backorders_stop_at_zero():
    plain = ProductFactory(stock_quantity=4)
    backorder = ProductFactory(stock_quantity=3, allow_backorder=True)

    def take(i):
        quantities = {plain.pk: 1, backorder.pk: 1}
        with transaction.atomic():  # half of them in the other order: locks still in product order
            return take_stock(quantities=dict(reversed(quantities.items())) if i % 2 else quantities)

    outcomes = run_together([lambda i=i: take(i) for i in range(8)])
    assert [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, OutOfStock)] == []
    placed = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(placed) == 4 and stock(plain) == 0
    assert sum(r[backorder.pk] for r in placed) == 3 and stock(backorder) == 0
