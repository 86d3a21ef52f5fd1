"""Cart, quick order and saved-list pages: who sees what, htmx fragments, the add buttons of product pages and catalog
cards, the header's cart link, isolation (another dealer's list is 404) and query counts."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dealers.models import Dealer, Role
from dealers.selectors import ACTING_SESSION_KEY
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders import services
from orders.models import CartLine, SavedList
from orders.testing import SavedListFactory, SavedListLineFactory, actor_of, cart_of, priced
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db
D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}
CART = reverse("orders:cart")
QUICK = reverse("orders:quick_order")
LISTS = reverse("orders:lists")
ADD = reverse("orders:cart_add")




# --- the cart page ------------------------------------------------------------------------------------------------

def test_empty_cart_shows_the_way_to_fill_it(signed_in):
    html = signed_in.get(CART).content.decode()
    assert 'id="cart-empty"' in html and reverse("orders:quick_order") in html and reverse("catalog:list") in html


def test_cart_shows_lines_prices_reasons_and_vat_totals(signed_in, owner, panel, boxed):
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(panel, 3), (boxed, 10)])
    html = signed_in.get(CART).content.decode()
    assert "LED panel 60x60" in html and "CAB-3X25" in html
    assert "100.00 TRY" in html and "300.00 TRY" in html and "125.00 TRY" in html
    assert 'id="total-net">425.00 TRY' in html and 'id="total-vat">85.00 TRY' in html
    assert 'id="total-gross">510.00 TRY' in html
    assert "Why this price?" in html and "Market price" in html
    assert 'value="3"' in html and 'value="10"' in html  # quantities without trailing zeros
    assert 'id="nav-cart"' in html and '<span class="cart-count">2</span>' in html


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE])
def test_roles_without_cart_get_the_forbidden_page_and_no_cart_link(client, dealer, role, panel):
    client.force_login(DealerUserFactory(dealer=dealer, role=role))
    for url in (CART, QUICK, LISTS):
        assert client.get(url).status_code == 403
    assert client.post(ADD, {"sku": "LED-600"}).status_code == 403
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("dealers:dashboard")).content.decode()
    assert 'id="nav-cart"' not in html and "dealer-code" in html
    assert not any("orders_cart" in q["sql"] for q in queries.captured_queries)  # no query for the header


def test_anonymous_visitors_are_sent_to_log_in_and_the_header_reads_nothing(client):
    assert client.get(CART).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert 'id="nav-cart"' not in client.get(reverse("home")).content.decode()
    assert not any("orders_cart" in q["sql"] for q in queries.captured_queries)


def test_the_header_counts_the_lines_in_one_query(signed_in, owner, panel):
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(panel, 1)])
    with CaptureQueriesContext(connection) as queries:
        html = signed_in.get(reverse("dealers:dashboard")).content.decode()
    assert '<span class="cart-count">1</span>' in html
    assert len([q for q in queries.captured_queries if "orders_cart" in q["sql"]]) == 1


def test_an_unapproved_dealer_is_sent_to_its_status_page(client):
    client.force_login(DealerUserFactory(dealer=DealerFactory(status=Dealer.Status.APPLIED)))
    response = client.get(CART)
    assert response.status_code == 302 and response.url == reverse("dealers:status")


def test_htmx_quantity_change_rerenders_the_cart_with_new_totals(signed_in, owner, panel):
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(panel, 3)])
    line = CartLine.objects.get()
    response = signed_in.post(reverse("orders:cart_line", args=[line.pk]), {"quantity": "5"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="cart-body"')
    assert 'id="total-net">500.00 TRY' in html and 'hx-swap-oob="true"' in html and "<html" not in html
    assert cart_of(owner) == {"LED-600": D(5)}


def test_htmx_bad_quantity_shows_the_error_beside_the_line_and_changes_nothing(signed_in, owner, boxed):
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(boxed, 10)])
    line = CartLine.objects.get()
    html = signed_in.post(reverse("orders:cart_line", args=[line.pk]), {"quantity": "12"}, **HTMX).content.decode()
    assert "Order in multiples of 5 boxes: 10 or 15, not 12." in html and 'value="12"' in html
    assert 'id="total-net">125.00 TRY' in html and cart_of(owner) == {"CAB-3X25": D(10)}


def test_htmx_remove_and_the_empty_state(signed_in, owner, panel):
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(panel, 1)])
    line = CartLine.objects.get()
    html = signed_in.post(reverse("orders:cart_line_remove", args=[line.pk]), **HTMX).content.decode()
    assert 'id="cart-empty"' in html and '<span class="cart-count">0</span>' in html
    assert cart_of(owner) == {}


def test_without_htmx_changes_redirect_back_to_the_cart(signed_in, owner, panel):
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(panel, 1)])
    line = CartLine.objects.get()
    response = signed_in.post(reverse("orders:cart_line", args=[line.pk]), {"quantity": "4"})
    assert response.status_code == 302 and response.url == CART and cart_of(owner) == {"LED-600": D(4)}
    response = signed_in.post(reverse("orders:cart_line", args=[line.pk]), {"quantity": "0"}, follow=True)
    assert "LED-600: Enter a quantity greater than zero" in response.content.decode()
    assert signed_in.post(reverse("orders:cart_clear")).status_code == 302 and cart_of(owner) == {}


def test_another_users_cart_line_is_404(signed_in, dealer, panel):
    colleague = DealerUserFactory(dealer=dealer, role=Role.BUYER)
    services.add_lines_to_cart(actor=actor_of(colleague), lines=[(panel, 1)])
    line = CartLine.objects.get()
    assert signed_in.post(reverse("orders:cart_line", args=[line.pk]), {"quantity": "3"}).status_code == 404
    assert signed_in.post(reverse("orders:cart_line_remove", args=[line.pk])).status_code == 404
    assert cart_of(colleague) == {"LED-600": D(1)}


def test_an_agent_acting_sees_its_own_cart_for_the_dealer(client, agent, dealer, owner, panel, boxed):
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(panel, 1)])
    client.force_login(agent)
    session = client.session
    session[ACTING_SESSION_KEY] = dealer.pk
    session.save()
    assert client.post(ADD, {"sku": "cab-3x25", "quantity": "10"}, **HTMX).status_code == 200
    html = client.get(CART).content.decode()
    assert "CAB-3X25" in html and "LED-600" not in html and "This is your own cart for" in html
    assert cart_of(agent, dealer) == {"CAB-3X25": D(10)} and cart_of(owner) == {"LED-600": D(1)}
    assert AuditEntry.objects.filter(action="cart.lines_added", actor=agent, dealer=dealer).exists()


def test_staff_not_acting_is_asked_to_choose_a_dealer(client, agent):
    client.force_login(agent)
    assert client.get(CART).url == reverse("dealers:agent_dealers")
    client.force_login(StaffFactory())
    assert client.get(CART).status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_cart_page_query_count_is_fixed(signed_in, owner, market, count, django_assert_max_num_queries):
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(priced(market, "3.00"), 1) for _ in range(count)])
    # session, user, dealer, terms gate (4) + lines (1) + the engine (3); the header reuses the page's count
    with django_assert_max_num_queries(9):
        response = signed_in.get(CART)
    assert response.status_code == 200 and len(response.context["items"]) == count
    html = response.content.decode()
    assert all(line.product.sku in html for line in CartLine.objects.of(actor_of(owner)).select_related("product"))


# --- add to cart from product pages and catalog cards --------------------------------------------------------------

def test_product_page_adds_to_the_cart_with_htmx(signed_in, owner, boxed):
    html = signed_in.get(reverse("catalog:product", args=[boxed.sku])).content.decode()
    assert 'id="add-to-cart"' in html and f'action="{ADD}"' in html and 'hx-include="#id_quantity"' in html
    response = signed_in.post(ADD, {"sku": "CAB-3X25", "quantity": "15"}, **HTMX)
    html = response.content.decode()
    assert "15 boxes added to the cart." in html and '<span class="cart-count">1</span>' in html
    html = signed_in.post(ADD, {"sku": "CAB-3X25", "quantity": "12"}, **HTMX).content.decode()
    assert "10 or 15, not 12" in html and 'hx-swap-oob' not in html
    assert cart_of(owner) == {"CAB-3X25": D(15)}


def test_add_without_htmx_redirects_to_next_with_a_message(signed_in, owner, boxed):
    url = reverse("catalog:product", args=[boxed.sku])
    response = signed_in.post(ADD, {"sku": boxed.sku, "next": url})  # no quantity: the minimum
    assert response.status_code == 302 and response.url == url and cart_of(owner) == {"CAB-3X25": D(10)}
    response = signed_in.post(ADD, {"sku": boxed.sku, "next": "https://evil.example.com/"})
    assert response.url == CART
    response = signed_in.post(ADD, {"sku": "NOPE"}, follow=True)
    assert "Unknown SKU: NOPE" in response.content.decode()


def test_catalog_cards_carry_a_light_add_form(signed_in, panel, boxed):
    html = signed_in.get(reverse("catalog:list")).content.decode()
    assert html.count('class="card-add"') == 2 and html.count(f'hx-post="{ADD}"') == 2
    assert 'name="quantity" value="10"' in html  # the box's minimum, never "1E+1"
    assert "csrfmiddlewaretoken" not in html[html.index('id="products"'):]  # the cached cards hold no token


def test_viewers_see_no_add_buttons(client, dealer, panel):
    client.force_login(DealerUserFactory(dealer=dealer, role=Role.VIEWER))
    assert 'class="card-add"' not in client.get(reverse("catalog:list")).content.decode()
    assert 'id="add-to-cart"' not in client.get(reverse("catalog:product", args=[panel.sku])).content.decode()


# --- quick order --------------------------------------------------------------------------------------------------

def test_quick_order_reports_bad_lines_and_keeps_them_to_correct(signed_in, owner, panel, boxed):
    response = signed_in.post(QUICK, {"lines": "led-600 2\nNOPE-9 1\nCAB-3X25;12"})
    html = response.content.decode()
    assert response.status_code == 200 and "1 line added to your cart." in html
    assert 'data-line="2"' in html and "Unknown SKU: NOPE-9" in html
    assert 'data-line="3"' in html and "10 or 15, not 12" in html
    assert ">\nNOPE-9 1\nCAB-3X25;12</textarea>" in html  # only the lines to correct stay in the box
    assert cart_of(owner) == {"LED-600": D(2)}


def test_quick_order_example_names_only_products_a_dealer_can_order(signed_in, market):
    """The placeholder used to name LED-600 and CAB-3X25, which no demo catalog sells."""
    priced(market, sku="AA-1", stock_quantity=D(50))
    priced(market, sku="AB-2", stock_quantity=D(0))  # nothing in stock: never the example
    priced(market, sku="AC-3", stock_quantity=D(4), min_order_quantity=D(10))  # less than one minimum order
    priced(market, sku="AD-4", stock_quantity=D(30))
    html = signed_in.get(QUICK).content.decode()
    assert 'placeholder="AA-1 10\nAD-4;5"' in html
    assert "LED-600" not in html and "AB-2" not in html and "AC-3" not in html


def test_quick_order_with_only_good_lines_goes_to_the_cart(signed_in, owner, panel, boxed):
    response = signed_in.post(QUICK, {"lines": "LED-600\t2\nCAB-3X25,15"})
    assert response.status_code == 302 and response.url == CART
    assert cart_of(owner) == {"LED-600": D(2), "CAB-3X25": D(15)}


def test_quick_order_upload_and_empty_and_oversize(signed_in, owner, panel, monkeypatch):
    response = signed_in.post(QUICK, {"file": SimpleUploadedFile("o.csv", b"SKU;Quantity\nLED-600;3\n")})
    assert response.status_code == 302 and cart_of(owner) == {"LED-600": D(3)}
    html = signed_in.post(QUICK, {"lines": "  "}).content.decode()
    assert "Paste at least one line" in html
    from orders.services import quick_order as module

    monkeypatch.setattr(module, "MAX_FILE_BYTES", 10)
    html = signed_in.post(QUICK, {"file": SimpleUploadedFile("o.csv", b"LED-600;3\nLED-600;3\n")}).content.decode()
    assert "The file is larger than" in html and cart_of(owner) == {"LED-600": D(3)}


# --- saved lists --------------------------------------------------------------------------------------------------

def test_create_a_list_and_refuse_a_duplicate_name(signed_in, dealer):
    response = signed_in.post(LISTS, {"name": "Monthly"})
    saved = SavedList.objects.get()
    assert response.url == reverse("orders:list_detail", args=[saved.pk]) and saved.dealer == dealer
    response = signed_in.post(LISTS, {"name": "MONTHLY"})
    assert response.status_code == 400 and "already has a list named" in response.content.decode()
    assert "Monthly" in signed_in.get(LISTS).content.decode()


def test_list_page_add_lines_rename_to_cart_and_delete(signed_in, owner, dealer, panel, boxed):
    saved = SavedListFactory(dealer=dealer, name="Site A")
    detail = reverse("orders:list_detail", args=[saved.pk])
    html = signed_in.post(reverse("orders:list_add_lines", args=[saved.pk]),
                          {"add-lines": "LED-600 2\nCAB-3X25 12\nNOPE 1"}).content.decode()
    assert "Unknown SKU: NOPE" in html and "10 or 15, not 12" in html
    assert dict(saved.lines.values_list("product__sku", "quantity")) == {"LED-600": D(2)}
    signed_in.post(reverse("orders:list_add_lines", args=[saved.pk]), {"add-lines": "CAB-3X25 15"})
    html = signed_in.get(detail).content.decode()
    assert "LED panel 60x60" in html and "CAB-3X25" in html and "387.50 TRY" in html  # 200 + 187.50, priced now

    response = signed_in.post(reverse("orders:list_rename", args=[saved.pk]), {"rename-name": "Site B"})
    assert response.status_code == 302 and SavedList.objects.get().name == "Site B"

    chosen = saved.lines.get(product=boxed)
    response = signed_in.post(reverse("orders:list_to_cart", args=[saved.pk]), {"line": [chosen.pk]})
    assert response.url == CART and cart_of(owner) == {"CAB-3X25": D(15)}
    signed_in.post(reverse("orders:list_to_cart", args=[saved.pk]), {"all": "1"})
    assert cart_of(owner) == {"CAB-3X25": D(30), "LED-600": D(2)}

    line = saved.lines.get(product=panel)
    signed_in.post(reverse("orders:list_line", args=[saved.pk, line.pk]), {"quantity": "4"})
    assert saved.lines.get(product=panel).quantity == D(4)
    signed_in.post(reverse("orders:list_line_remove", args=[saved.pk, line.pk]))
    assert not saved.lines.filter(product=panel).exists()

    assert signed_in.post(reverse("orders:list_delete", args=[saved.pk])).url == LISTS
    assert not SavedList.objects.exists()


def test_save_the_cart_as_a_list(signed_in, owner, panel):
    services.add_lines_to_cart(actor=actor_of(owner), lines=[(panel, 2)])
    response = signed_in.post(reverse("orders:cart_save_as_list"), {"save-name": "From cart"})
    saved = SavedList.objects.get()
    assert response.url == reverse("orders:list_detail", args=[saved.pk])
    response = signed_in.post(reverse("orders:cart_save_as_list"), {"save-name": "from cart"})
    assert response.status_code == 400 and "already has a list named" in response.content.decode()


def test_product_page_adds_to_a_saved_list_through_the_picker(signed_in, dealer, panel):
    existing = SavedListFactory(dealer=dealer, name="Existing")
    html = signed_in.get(reverse("orders:list_picker"), {"sku": "led-600", "quantity": "3"}, **HTMX).content.decode()
    assert "Existing" in html and 'name="new_name"' in html
    html = signed_in.post(reverse("orders:list_add_product"), {"sku": "LED-600", "quantity": "3",
                                                               "list": existing.pk}, **HTMX).content.decode()
    assert "LED-600 added to the list “Existing”." in html
    signed_in.post(reverse("orders:list_add_product"), {"sku": "LED-600", "quantity": "2", "new_name": "New one"},
                   **HTMX)
    assert dict(SavedList.objects.values_list("name", "lines__quantity")) == {"Existing": D(3), "New one": D(2)}
    html = signed_in.post(reverse("orders:list_add_product"), {"sku": "LED-600", "quantity": "1.5",
                                                               "new_name": "Never"}, **HTMX).content.decode()
    assert "whole numbers" in html and not SavedList.objects.filter(name="Never").exists()


def test_another_dealers_list_is_404_on_every_page(signed_in, other_dealer, panel):
    foreign = SavedListFactory(dealer=other_dealer, name="Theirs")
    line = SavedListLineFactory(saved_list=foreign, product=panel)
    assert signed_in.get(reverse("orders:list_detail", args=[foreign.pk])).status_code == 404
    for url, data in [(reverse("orders:list_rename", args=[foreign.pk]), {"rename-name": "Mine"}),
                      (reverse("orders:list_delete", args=[foreign.pk]), {}),
                      (reverse("orders:list_add_lines", args=[foreign.pk]), {"add-lines": "LED-600 1"}),
                      (reverse("orders:list_to_cart", args=[foreign.pk]), {"all": "1"}),
                      (reverse("orders:list_line", args=[foreign.pk, line.pk]), {"quantity": "3"}),
                      (reverse("orders:list_line_remove", args=[foreign.pk, line.pk]), {}),
                      (reverse("orders:list_add_product"), {"sku": "LED-600", "list": foreign.pk})]:
        assert signed_in.post(url, data, **HTMX).status_code == 404, url
    assert "Theirs" not in signed_in.get(LISTS).content.decode()
    foreign.refresh_from_db()
    assert foreign.name == "Theirs" and foreign.lines.get().quantity == D(1)


@pytest.mark.parametrize("count", [1, 30])
def test_list_pages_query_counts_are_fixed(signed_in, dealer, market, count, django_assert_max_num_queries):
    saved = SavedListFactory(dealer=dealer)
    skus, names = [], [saved.name]
    for _ in range(count):
        skus.append(SavedListLineFactory(saved_list=saved, product=priced(market, "2.00")).product.sku)
        names.append(SavedListFactory(dealer=dealer).name)
    with django_assert_max_num_queries(11):  # + the session row (sessions in PostgreSQL)
        detail = signed_in.get(reverse("orders:list_detail", args=[saved.pk])).content.decode()
    assert all(sku in detail for sku in skus)
    with django_assert_max_num_queries(7):
        listed = signed_in.get(LISTS).content.decode()
    assert all(name in listed for name in names)
