"""Bulk API of the ERP import: products and stock as JSON rows (prices: pricing/tests/test_price_import.py); token
scope catalog:write; all-or-nothing with per-row errors; repeating a call changes nothing."""
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.imports.service import import_file
from catalog.models import Product
from dealers.testing import UserFactory
from portal.testing import grant_scope_permissions, token_client_for

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
PRODUCTS = reverse("api:bulk-products")
STOCK = reverse("api:bulk-stock")


def token_client(*scopes, staff=True):
    user = grant_scope_permissions(UserFactory(is_staff=True), scopes)
    client = token_client_for(user, scopes)
    if not staff:  # a token whose user lost staff status afterwards
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    return client


@pytest.fixture
def erp():
    return token_client("catalog:write")


@pytest.fixture
def categories():
    import_file(kind="categories", path=SAMPLES / "categories.csv", actor=None)


ROWS = [
    {"sku": "API-1", "name": "Bulb", "category_code": "LIGHT-LED", "barcode": "8690000000012", "vat_rate": 20,
     "pack_size": "2,5", "active": True},
    {"sku": "API-2", "name": "Cable", "category_code": "CABLE", "unit": "metre", "min_order_quantity": 0.5},
]


def test_token_without_the_scope_or_a_non_staff_user_is_refused(categories):
    assert APIClient().post(PRODUCTS, {"rows": ROWS}, format="json").status_code in (401, 403)
    assert token_client("dealers:read").post(PRODUCTS, {"rows": ROWS}, format="json").status_code == 403
    assert token_client("catalog:write", staff=False).post(PRODUCTS, {"rows": ROWS}, format="json").status_code == 403
    session = APIClient()
    session.force_login(UserFactory(is_staff=True))  # staff without catalog.change_product
    assert session.post(PRODUCTS, {"rows": ROWS}, format="json").status_code == 403
    assert not Product.objects.exists()


def test_products_are_upserted_and_a_repeat_changes_nothing(erp, categories):
    response = erp.post(PRODUCTS, {"rows": ROWS}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"kind": "products", "total": 2, "created": 2, "updated": 0, "unchanged": 0}
    assert Product.objects.get(sku="API-1").pack_size == Decimal("2.5")
    assert Product.objects.get(sku="API-2").min_order_quantity == Decimal("0.5")
    again = erp.post(PRODUCTS, {"rows": ROWS}, format="json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    # A key left out keeps the stored value.
    partial = erp.post(PRODUCTS, {"rows": [{"sku": "API-1", "name": "Bulb 2", "category_code": "LIGHT-LED"}]},
                       format="json").json()
    assert partial["updated"] == 1
    assert Product.objects.get(sku="API-1").barcode == "8690000000012"


def test_bad_rows_answer_400_with_every_error_and_write_nothing(erp, categories):
    rows = [
        ROWS[0],
        {"sku": "API-3", "name": "X", "category_code": "NOPE"},
        {"sku": "API-4", "name": "Y", "category_code": "LIGHT", "barcode": "8690000000013", "colour": "red"},
        {"sku": "API-1", "category_code": "LIGHT"},
    ]
    response = erp.post(PRODUCTS, {"rows": rows}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "catalog.import_invalid"
    assert {(e["row"], e["column"]) for e in body["errors"]} == {
        (2, "category_code"), (3, "barcode"), (3, "colour"), (4, "name"), (4, "sku")}
    assert all(e["message"] for e in body["errors"])
    assert not Product.objects.exists()


def test_rows_must_be_a_non_empty_list_of_at_most_5000(erp):
    assert erp.post(PRODUCTS, {"rows": []}, format="json").status_code == 400
    assert erp.post(PRODUCTS, {"rows": "x"}, format="json").status_code == 400
    too_many = [{"sku": f"S{i}"} for i in range(5001)]
    assert erp.post(PRODUCTS, {"rows": too_many}, format="json").status_code == 400


def test_stock(erp, categories):
    # (Prices through the bulk API: pricing/tests/test_price_import.py, pricing writes them.)
    erp.post(PRODUCTS, {"rows": ROWS}, format="json")
    stock = [{"sku": "API-1", "stock_quantity": 5}, {"sku": "API-2", "stock_quantity": "12,5", "lead_time_days": 4}]
    assert erp.post(STOCK, {"rows": stock}, format="json").json()["updated"] == 2
    assert erp.post(STOCK, {"rows": stock}, format="json").json()["unchanged"] == 2
    assert Product.objects.get(sku="API-2").stock_quantity == Decimal("12.5")
    bad = erp.post(STOCK, {"rows": [{"sku": "API-1", "stock_quantity": -1}, {"sku": "GHOST", "stock_quantity": 1}]},
                   format="json")
    assert bad.status_code == 400
    assert {(e["row"], e["column"]) for e in bad.json()["errors"]} == {(1, "stock_quantity"), (2, "sku")}
    assert Product.objects.get(sku="API-1").stock_quantity == 5
