"""Quotes through the REST API: list (status filter), detail with revisions and PDF links, request from lines by SKU,
accept with an Idempotency-Key, reject with a reason; errors as JSON with codes (an expired quote is 409), another
dealer's quote 404, roles that may not order 403."""
import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal.models import ApiToken, Document
from portal.testing import token_client_for
from pricing.models import Quote

pytestmark = pytest.mark.django_db


def session_client(user):
    client = APIClient()
    client.force_login(user)
    return client


def token_client(user, *scopes):
    return token_client_for(user, scopes, name="script")


def quote_url(quote, action=None):
    name = f"api:me-quote-{action}" if action else "api:me-quote"
    return reverse(name, args=[quote.number])


def test_list_scoped_to_the_dealer_with_a_status_filter(owner, sent, requested, other_owner, panel):
    from pricing import services

    from .quote_fixtures import actor_of

    services.request_quote(actor=actor_of(other_owner), lines=[(panel, 1)])
    body = session_client(owner).get(reverse("api:me-quotes")).json()
    assert body["count"] == 1 and body["results"][0]["number"] == sent.number
    first = body["results"][0]
    assert first["status"] == "sent" and first["revision"] == 1 and first["total_gross"] == "738.00"
    client = session_client(owner)
    assert client.get(reverse("api:me-quotes"), {"status": "ordered"}).json()["count"] == 0
    assert client.get(reverse("api:me-quotes"), {"status": "open"}).json()["count"] == 1


def test_detail_with_revisions_and_pdf_links(owner, sent):
    Document.objects.filter(pk=sent.revisions.get().document_id).update(status=Document.Status.READY,
                                                                         file="documents/x.pdf")
    body = session_client(owner).get(quote_url(sent)).json()
    assert body["number"] == sent.number and body["request_note"] == "Project Ankara"
    assert [line["quantity"] for line in body["requested_lines"]] == ["3", "7"]
    (revision,) = body["revisions"]
    assert revision["number"] == 1 and revision["pdf_status"] == "ready"
    assert revision["pdf_url"].endswith(f"/quotes/{sent.number}/revisions/1/pdf/")
    assert revision["totals"]["gross"] == "738.00" and revision["lines"][0]["net_unit_price"] == "100.00"
    assert [h["to_status"] for h in body["history"]] == ["requested", "draft", "sent"]


def test_another_dealers_quote_is_404(sent, other_owner, order_maker):
    client = session_client(other_owner)
    assert client.get(quote_url(sent)).status_code == 404
    assert client.post(quote_url(sent, "accept")).status_code == 404
    assert client.post(quote_url(sent, "reject"), {"reason": "x"}, format="json").status_code == 404
    assert not order_maker.calls


def test_accept_with_an_idempotency_key_makes_one_order(owner, buyer, sent, order_maker):
    client = session_client(owner)
    first = client.post(quote_url(sent, "accept"), HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 200 and first.json()["order_number"] == "ORD-FAKE-0001"
    assert first.json()["status"] == "ordered"
    again = client.post(quote_url(sent, "accept"), HTTP_IDEMPOTENCY_KEY="abc-123")
    assert again.status_code == 200 and again.json()["order_number"] == "ORD-FAKE-0001"
    other = session_client(buyer).post(quote_url(sent, "accept"), HTTP_IDEMPOTENCY_KEY="other")
    assert other.status_code == 409 and other.json()["code"] == "pricing.quote_already_accepted"
    assert len(order_maker.calls) == 1


def test_an_accept_replayed_with_its_key_answers_the_first_response(owner, sent, order_maker):
    client = session_client(owner)
    first = client.post(quote_url(sent, "accept"), HTTP_IDEMPOTENCY_KEY="accept-1")
    again = client.post(quote_url(sent, "accept"), HTTP_IDEMPOTENCY_KEY="accept-1")
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and len(order_maker.calls) == 1


def test_the_same_key_on_another_quote_is_422_and_accepts_nothing(owner, sent, panel, agent, order_maker):
    from pricing import services

    from .quote_fixtures import actor_of, send

    other = send(agent, services.request_quote(actor=actor_of(owner), lines=[(panel, 2)], note="Second"))
    client = session_client(owner)
    assert client.post(quote_url(sent, "accept"), HTTP_IDEMPOTENCY_KEY="accept-2").status_code == 200
    reused = client.post(quote_url(other, "accept"), HTTP_IDEMPOTENCY_KEY="accept-2")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    other.refresh_from_db()
    assert other.status == "sent" and len(order_maker.calls) == 1


def test_accepting_an_expired_quote_is_409(owner, sent, order_maker):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=11), tick=False):
        response = session_client(owner).post(quote_url(sent, "accept"))
    assert response.status_code == 409 and response.json()["code"] == "pricing.quote_expired"
    assert not order_maker.calls


def test_accepting_a_quote_not_sent_is_409(owner, requested, order_maker):
    response = session_client(owner).post(quote_url(requested, "accept"))
    assert response.status_code == 409 and response.json()["code"] == "pricing.quote_invalid_status"


def test_roles_that_may_not_order_get_403(viewer, finance, sent, order_maker):
    assert session_client(viewer).get(reverse("api:me-quotes")).status_code == 403
    assert session_client(finance).post(quote_url(sent, "accept")).status_code == 403
    assert not order_maker.calls


def test_reject_needs_a_reason(owner, sent):
    client = session_client(owner)
    response = client.post(quote_url(sent, "reject"), {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = client.post(quote_url(sent, "reject"), {"reason": "Cheaper elsewhere"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "Cheaper elsewhere"
    again = client.post(quote_url(sent, "reject"), {"reason": "Again"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "pricing.quote_invalid_status"


def test_request_a_quote_from_lines_by_sku_with_a_token(owner, panel, turkish):
    client = token_client(owner, ApiToken.Scope.ACCOUNT)
    response = client.post(reverse("api:me-quotes"), {
        "lines": [{"sku": panel.sku.lower(), "quantity": "4"}, {"sku": turkish.sku}], "note": "API request"},
        format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "requested" and body["placed_by"] == str(owner)
    assert {line["sku"]: line["quantity"] for line in body["requested_lines"]} == {panel.sku: "4", turkish.sku: "10"}
    assert Quote.objects.get().request_note == "API request"


@pytest.mark.parametrize("lines, status, code", [
    ([{"sku": "NOPE", "quantity": "1"}], 400, "catalog.unknown_sku"),
    ([{"sku": "Q-CELIK-25", "quantity": "7"}], 400, "catalog.below_minimum"),
    ([{"sku": "Q-LED-600", "quantity": "-1"}], 400, "catalog.invalid_quantity"),
    ([], 400, "invalid"),
])
def test_bad_request_lines_answer_with_a_code(owner, panel, turkish, lines, status, code):
    response = session_client(owner).post(reverse("api:me-quotes"), {"lines": lines}, format="json")
    assert response.status_code == status and response.json()["code"] == code
    assert not Quote.objects.exists()


def test_a_token_without_the_account_scope_is_refused(owner):
    client = token_client(owner, ApiToken.Scope.CATALOG_READ)
    assert client.get(reverse("api:me-quotes")).status_code == 403


@pytest.mark.parametrize("count", [1, 10])
def test_list_reads_a_fixed_number_of_queries(owner, agent, panel, count, django_assert_max_num_queries):
    from pricing import services

    from .quote_fixtures import actor_of, send

    numbers = []
    for _ in range(count):
        quote = services.request_quote(actor=actor_of(owner), lines=[(panel, 1)])
        send(agent, quote)
        numbers.append(quote.number)
    client = session_client(owner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:me-quotes"))
    assert response.status_code == 200
    body = response.json()
    assert sorted(row["number"] for row in body.get("results", body)) == sorted(numbers)
