"""`price_lines(..., fresh_products=True)`: a caller that read the products whole in this request (placing an order,
issue 18) does not have them read again; a campaign on a category still applies to a product whose category was not
read along (its path is read then), and the prices are those of reading them."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from pricing.engine import price_lines
from pricing.testing import CampaignFactory, PriceListFactory, PriceListItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(product):
    PriceListItemFactory(price_list=PriceListFactory(kind="market"), product=product, unit_price=Decimal("100.00"),
                         min_quantity=Decimal(1))
    return Product.objects.get(pk=product.pk)  # a whole row, its category not read along


def _price(dealer, product, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        line = price_lines(dealer=dealer, lines=[(product, 2)], payment_method="on_account", **kwargs)[0]
    return (line.unit_price, line.line_net, line.campaign.name if line.campaign else None), len(queries)


@pytest.mark.parametrize("scope", ["none", "product", "category", "parent_category"])
def test_fresh_products_price_as_read_ones(scope, dealer, listed, sub_category, root_category):
    scopes = {"none": None, "product": {"products": [listed]}, "category": {"categories": [sub_category]},
              "parent_category": {"categories": [root_category]}}[scope]
    if scopes is not None:
        CampaignFactory(name="Winter", **scopes)

    fresh, fresh_queries = _price(dealer, listed, fresh_products=True)
    read, read_queries = _price(dealer, listed)

    assert fresh == read
    assert (fresh[2] == "Winter") == (scope != "none")
    # The products are read only when a campaign covers a category (for the category's path).
    assert fresh_queries == read_queries - (0 if "category" in scope else 1)


def test_partly_read_products_are_read_again(dealer, listed):
    partial = Product.objects.only("id", "sku").get(pk=listed.pk)
    with CaptureQueriesContext(connection) as queries:
        price_lines(dealer=dealer, lines=[(partial, 2)], fresh_products=True)
    assert sum('FROM "catalog_product"' in q["sql"] for q in queries.captured_queries) == 1
