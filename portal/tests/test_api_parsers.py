"""A JSON body nested deeper than Python's recursion allows is a 400 with the API's error shape on every endpoint that
reads JSON, never a 500 (DRF's own parser lets the RecursionError through)."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

DEEP = ("[" * 100_000 + "]" * 100_000).encode()


@pytest.mark.parametrize("name", ["api:me-cart-lines", "api:me-orders", "api:me-shipping-quote"])
def test_a_body_nested_too_deep_is_a_400_with_a_code(session_api_client, owner, name):
    client = session_api_client(owner)
    response = client.generic("POST", reverse(name), DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "nested too deep" in response.json()["detail"]


def test_an_erp_call_nested_too_deep_is_a_400(token_client):
    from portal.models import ApiToken

    client = token_client(None, ApiToken.Scope.PAYMENTS_WRITE)
    response = client.generic("POST", reverse("api:payments"), DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
