"""The API keeps to its OpenAPI document: schemathesis fuzzes every operation of /api/schema/ through the WSGI app.

Each generated case is sent twice, as a dealer owner's token (scopes `account` and `catalog:read`) and as a staff
token with every scope; neither may answer 500, and every answer (2xx and every error) must fit the documented
response schema of its status code. Bounded: a few derandomized examples per operation, no shrinking.
"""
import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from catalog.testing import ProductFactory
from dealers.testing import AddressFactory, DealerFactory, DealerUserFactory, StaffFactory
from portal.api_tokens import create_api_token
from portal.models import ApiToken
from portal.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 5


@pytest.fixture
def api_schema(db):
    # Calls go through the real WSGI app, which closes the database connection after each request (as Django's own
    # test client prevents): the test's transaction must survive them.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db):
    """A dealer with an address and a product to list, its owner's token, and a staff token with every scope."""
    dealer = DealerFactory(website="")
    AddressFactory(dealer=dealer)
    ProductFactory(sku="FUZZ-1")
    owner = DealerUserFactory(dealer=dealer)
    staff = StaffFactory()
    _, dealer_key = create_api_token(
        name="fuzz dealer", user=owner, scopes=[ApiToken.Scope.ACCOUNT, ApiToken.Scope.CATALOG_READ], actor=staff)
    _, staff_key = create_api_token(
        name="fuzz staff", user=staff, scopes=[s for s in ApiToken.Scope.values if s != ApiToken.Scope.ACCOUNT],
        actor=staff)
    return {"dealer": dealer_key, "staff": staff_key}


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented_for_a_dealer_and_for_staff(case, tokens):
    for key in tokens.values():
        headers = {"Authorization": f"Token {key}", "Idempotency-Key": str(uuid.uuid4())}
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)


def test_a_nested_input_error_carries_a_code_a_detail_and_the_messages_per_line(tokens):
    """An integration reads `detail` on every error: a bad second line of an order names the line and says why."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens['dealer']}")
    lines = [{"sku": "FUZZ-1", "quantity": "1"}, {"quantity": "1"}]
    response = client.post("/api/v1/me/orders/", {"lines": lines}, format="json",
                           HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    body = response.json()
    assert response.status_code == 400 and body["code"] == "invalid"
    assert body["detail"] == "Give either a product id or a SKU."
    assert body["fields"] == {"lines": {"1": {"sku": ["Give either a product id or a SKU."]}}}
