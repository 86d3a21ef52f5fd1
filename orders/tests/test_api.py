"""The cart, quick order and saved lists through the API: the same services as the pages, errors as JSON with codes,
another dealer's list 404, session or a token with scope `account`, query counts."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from dealers.models import Dealer, Role
from dealers.selectors import ACTING_SESSION_KEY
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders import services
from orders.models import CartLine, SavedList
from orders.testing import SavedListFactory, SavedListLineFactory, actor_of, cart_of, priced
from portal.api_tokens import create_api_token
from portal.models import ApiToken

pytestmark = pytest.mark.django_db
D = Decimal
CART = reverse("api:me-cart")
LINES = reverse("api:me-cart-lines")
QUICK = reverse("api:me-cart-quick-order")
SAVE = reverse("api:me-cart-save-as-list")
LISTS = reverse("api:me-lists-list")


def line_url(pk):
    return reverse("api:me-cart-line", args=[pk])


def list_url(saved, action=None):
    return reverse(f"api:me-lists-{action}" if action else "api:me-lists-detail", args=[saved.pk])


def session(user):
    client = APIClient()
    client.force_login(user)
    return client


def token(user, *scopes):
    _token, key = create_api_token(name="script", user=user, scopes=list(scopes), actor=StaffFactory())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api(owner):
    return session(owner)



# --- the cart -----------------------------------------------------------------------------------------------------

def test_add_read_change_remove_and_clear(api, owner, panel, boxed):
    assert api.get(CART).json()["count"] == 0
    response = api.post(LINES, {"sku": "led-600", "quantity": "3"}, format="json")
    assert response.status_code == 201
    body = response.json()
    [line] = body["lines"]
    assert (line["sku"], line["quantity"], line["problem"]) == ("LED-600", "3.000", "")
    assert line["price"]["unit_price"] == "100.00" and line["price"]["line_net"] == "300.00"
    assert [rule["kind"] for rule in line["price"]["rules"]] == ["market"]
    assert body["totals"] == {"currency": "TRY", "net": "300.00", "vat": "60.00", "gross": "360.00",
                              "saving": "0.00", "all_priced": True}
    assert body["orderable"] is True

    api.post(LINES, {"product": boxed.pk}, format="json")  # no quantity: the minimum
    assert cart_of(owner) == {"LED-600": D(3), "CAB-3X25": D(10)}
    pk = CartLine.objects.get(product=boxed).pk
    assert api.patch(line_url(pk), {"quantity": "15"}, format="json").json()["totals"]["net"] == "487.50"
    assert api.delete(line_url(pk)).status_code == 204
    assert cart_of(owner) == {"LED-600": D(3)}
    assert api.delete(CART).status_code == 204 and cart_of(owner) == {}


@pytest.mark.parametrize("payload, status, code", [
    ({"sku": "CAB-3X25", "quantity": "12"}, 400, "catalog.not_a_multiple"),
    ({"sku": "CAB-3X25", "quantity": "5"}, 400, "catalog.below_minimum"),
    ({"sku": "LED-600", "quantity": "1.5"}, 400, "catalog.not_whole"),
    ({"sku": "LED-600", "quantity": "-1"}, 400, "catalog.invalid_quantity"),
    ({"sku": "LED-600", "quantity": "lots"}, 400, "catalog.invalid_quantity"),
    ({"sku": "NOPE", "quantity": "1"}, 400, "catalog.unknown_sku"),
    ({"product": 999999, "quantity": "1"}, 400, "orders.unknown_product"),
    ({"sku": "OLD-1", "quantity": "1"}, 409, "orders.product_unavailable"),
    ({"sku": "LED-600", "product": 1, "quantity": "1"}, 400, "invalid"),
    ({"quantity": "1"}, 400, "invalid"),
])
def test_refused_lines_answer_with_a_code_and_change_nothing(api, owner, panel, boxed, retired, payload, status,
                                                              code):
    response = api.post(LINES, payload, format="json")
    assert response.status_code == status and response.json()["code"] == code, response.json()
    assert cart_of(owner) == {}


def test_a_bad_quantity_change_is_400_and_another_users_line_404(api, owner, dealer, boxed):
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(boxed, 10)])
    pk = CartLine.objects.get().pk
    response = api.patch(line_url(pk), {"quantity": "11"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "catalog.not_a_multiple"
    assert response.json()["fields"] == {"quantity": [response.json()["detail"]]}
    colleague = DealerUserFactory(dealer=dealer, role=Role.BUYER)
    assert session(colleague).patch(line_url(pk), {"quantity": "15"}, format="json").status_code == 404
    assert session(colleague).delete(line_url(pk)).status_code == 404
    assert cart_of(owner) == {"CAB-3X25": D(10)}


def test_a_token_with_scope_account_works_and_without_it_is_refused(owner, panel):
    ok = token(owner, ApiToken.Scope.ACCOUNT)
    assert ok.post(LINES, {"sku": "LED-600", "quantity": 2}, format="json").status_code == 201
    assert cart_of(owner) == {"LED-600": D(2)}
    assert token(owner, ApiToken.Scope.CATALOG_READ).get(CART).status_code == 403


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE])
def test_roles_without_cart_are_403(dealer, role, panel):
    client = session(DealerUserFactory(dealer=dealer, role=role))
    for response in (client.get(CART), client.post(LINES, {"sku": "LED-600"}, format="json"),
                     client.get(LISTS), client.post(QUICK, {"text": "LED-600 1"}, format="json")):
        assert response.status_code == 403 and response.json()["code"] == "dealers.not_allowed"


def test_an_unapproved_dealer_is_403(panel):
    client = session(DealerUserFactory(dealer=DealerFactory(status=Dealer.Status.SUSPENDED)))
    response = client.get(CART)
    assert response.status_code == 403 and response.json()["code"] == "dealers.not_approved"


def test_an_agent_acting_through_the_session_uses_its_own_cart(agent, dealer, owner, panel):
    client = session(agent)
    s = client.session
    s[ACTING_SESSION_KEY] = dealer.pk
    s.save()
    assert client.post(LINES, {"sku": "LED-600", "quantity": 4}, format="json").status_code == 201
    assert cart_of(agent, dealer) == {"LED-600": D(4)} and cart_of(owner) == {}


@pytest.mark.parametrize("count", [1, 30])
def test_reading_the_cart_runs_a_fixed_number_of_queries(api, owner, market, count, django_assert_max_num_queries):
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(priced(market, "3.00"), 1) for _ in range(count)])
    with django_assert_max_num_queries(8):
        cart = api.get(CART).json()
    lines = cart["lines"]
    assert len(lines) == count and all(line["sku"].startswith("ORD-") and not line["problem"] for line in lines)
    assert Decimal(cart["totals"]["net"]) == 3 * count  # every line priced at 3.00


# --- quick order --------------------------------------------------------------------------------------------------

def test_quick_order_adds_the_good_lines_and_reports_the_others(api, owner, panel, boxed):
    response = api.post(QUICK, {"text": "led-600 2\nNOPE 1\nCAB-3X25;12\nCAB-3X25;15"}, format="json")
    body = response.json()
    assert response.status_code == 200
    assert [(a["line"], a["sku"], a["quantity"]) for a in body["added"]] == [(1, "LED-600", "2.000"),
                                                                             (4, "CAB-3X25", "15.000")]
    assert [(p["line"], p["sku"], p["code"]) for p in body["problems"]] == [
        (2, "NOPE", "catalog.unknown_sku"), (3, "CAB-3X25", "catalog.not_a_multiple")]
    assert body["cart"]["count"] == 2


def test_quick_order_with_nothing_added_is_400_with_the_lines(api, owner, panel):
    response = api.post(QUICK, {"text": "NOPE 1\nLED-600 x"}, format="json")
    body = response.json()
    assert response.status_code == 400 and body["code"] == "orders.nothing_added"
    assert [p["line"] for p in body["problems"]] == [1, 2]
    response = api.post(QUICK, {"text": ""}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "orders.no_lines"


def test_quick_order_upload(api, owner, panel):
    upload = SimpleUploadedFile("order.csv", b"sku,quantity\nled-600,5\n", content_type="text/csv")
    response = api.post(QUICK, {"file": upload}, format="multipart")
    assert response.status_code == 200 and cart_of(owner) == {"LED-600": D(5)}


# --- saved lists --------------------------------------------------------------------------------------------------

def test_saved_lists_crud_lines_and_to_cart(api, owner, dealer, panel, boxed):
    response = api.post(LISTS, {"name": "Restock", "lines": [{"sku": "LED-600", "quantity": "2"},
                                                            {"product": boxed.pk}]}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Restock" and body["line_count"] == 2 and body["lines"]["totals"]["net"] == "325.00"
    saved = SavedList.objects.get()
    assert saved.dealer == dealer and saved.created_by == owner

    duplicate = api.post(LISTS, {"name": "RESTOCK"}, format="json")
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "orders.duplicate_list_name"

    assert api.patch(list_url(saved), {"name": "Restock B"}, format="json").json()["name"] == "Restock B"
    assert [item["name"] for item in api.get(LISTS).json()["results"]] == ["Restock B"]

    added = api.post(list_url(saved, "add-lines"), {"text": "LED-600 1\nNOPE 2"}, format="json").json()
    assert [a["total"] for a in added["added"]] == ["3.000"] and added["problems"][0]["code"] == "catalog.unknown_sku"
    nothing = api.post(list_url(saved, "add-lines"), {"lines": [{"sku": "CAB-3X25", "quantity": "3"}]},
                       format="json")
    assert nothing.status_code == 400 and nothing.json()["problems"][0]["code"] == "catalog.below_minimum"

    line = saved.lines.get(product=panel)
    line_url = reverse("api:me-list-line", args=[saved.pk, line.pk])
    assert api.patch(line_url, {"quantity": "6"}, format="json").status_code == 200
    chosen = api.post(list_url(saved, "to-cart"), {"lines": [line.pk]}, format="json")
    assert chosen.status_code == 200 and cart_of(owner) == {"LED-600": D(6)}
    api.post(list_url(saved, "to-cart"), {}, format="json")
    assert cart_of(owner) == {"LED-600": D(12), "CAB-3X25": D(10)}
    assert api.delete(line_url).status_code == 204
    assert api.delete(list_url(saved)).status_code == 204 and not SavedList.objects.exists()


def test_save_the_cart_as_a_list(api, owner, panel):
    empty = api.post(SAVE, {"name": "Empty"}, format="json")
    assert (empty.status_code, empty.json()["code"]) == (400, "orders.no_lines")  # one code, one status
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(panel, 2)])
    response = api.post(SAVE, {"name": "From cart"}, format="json")
    assert response.status_code == 201 and response.json()["line_count"] == 1


def test_another_dealers_list_is_404_everywhere(api, other_dealer, panel):
    foreign = SavedListFactory(dealer=other_dealer, name="Theirs")
    line = SavedListLineFactory(saved_list=foreign, product=panel)
    assert api.get(list_url(foreign)).status_code == 404
    assert api.patch(list_url(foreign), {"name": "Mine"}, format="json").status_code == 404
    assert api.delete(list_url(foreign)).status_code == 404
    assert api.post(list_url(foreign, "add-lines"), {"text": "LED-600 1"}, format="json").status_code == 404
    assert api.post(list_url(foreign, "to-cart"), {}, format="json").status_code == 404
    line_url = reverse("api:me-list-line", args=[foreign.pk, line.pk])
    assert api.patch(line_url, {"quantity": "2"}, format="json").status_code == 404
    assert api.delete(line_url).status_code == 404
    assert api.get(LISTS).json()["results"] == []
    foreign.refresh_from_db()
    assert foreign.name == "Theirs" and foreign.lines.count() == 1


def test_schema_lists_the_cart_and_list_endpoints():
    client = session(StaffFactory())
    paths = client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    for path in ["/api/v1/me/cart/", "/api/v1/me/cart/lines/", "/api/v1/me/cart/lines/{id}/",
                 "/api/v1/me/cart/quick-order/", "/api/v1/me/cart/save-as-list/", "/api/v1/me/lists/",
                 "/api/v1/me/lists/{id}/", "/api/v1/me/lists/{id}/lines/", "/api/v1/me/lists/{id}/to-cart/",
                 "/api/v1/me/lists/{id}/lines/{line_pk}/"]:
        assert path in paths, path
