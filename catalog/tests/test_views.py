"""Catalog pages: the list with search, facets and prices; the product card; the quantity check; who sees what."""
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Unit
from catalog.testing import (
    AttributeFactory,
    CategoryFactory,
    ProductAttributeFactory,
    ProductDocumentFactory,
    ProductFactory,
    ProductImageFactory,
)
from dealers.models import Dealer
from dealers.selectors import ACTING_SESSION_KEY
from dealers.testing import AgentFactory, DealerFactory, DealerUserFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(fake_prices):
    root = CategoryFactory(name="Aydınlatma", slug="aydinlatma")
    leaf = CategoryFactory(name="LED Paneller", slug="led-paneller", parent=root)
    product = ProductFactory(sku="LD-6060", name="IŞIK LED Panel 60x60", category=leaf, unit=Unit.BOX,
                             min_order_quantity=Decimal(10), order_multiple=Decimal(5), lead_time_days=3,
                             highlights="Flicker free\nFive year warranty",
                             description="<p>Ultra <strong>thin</strong></p>")
    fake_prices.set(product, "120.00", market_price="150.00", campaign="Spring sale")
    return product


def test_list_shows_cards_with_price_stock_and_campaign(signed_in, product):
    ProductImageFactory(product=product)
    html = signed_in.get(reverse("catalog:list")).content.decode()
    assert "IŞIK LED Panel 60x60" in html and "LD-6060" in html
    assert "120.00 TRY" in html and "In stock" in html and "Campaign" in html
    assert "catalog.css" in html and 'href="/catalog/c/aydinlatma/' in html


def test_list_shows_a_dash_for_a_product_without_price(signed_in, product):
    ProductFactory(sku="NP-1", name="Unpriced", category=product.category)
    html = signed_in.get(reverse("catalog:list"), {"q": "unpriced"}).content.decode()
    assert "Unpriced" in html and "<strong>—</strong>" in html and "120.00 TRY" not in html


def test_search_filter_and_grid_view_keep_the_query_string(signed_in, product):
    colour = AttributeFactory(code="colour", name="Colour")
    ProductAttributeFactory(product=product, attribute=colour, value_text="White")
    response = signed_in.get(reverse("catalog:list"), {"q": "ışık", "attr_colour": "White", "view": "grid"})
    html = response.content.decode()
    assert response.context["total"] == 1 and 'class="products grid"' in html
    assert "attr_colour=White" in html  # links keep the filter


def test_category_page_and_unknown_category(signed_in, product):
    response = signed_in.get(reverse("catalog:category", args=["aydinlatma"]))
    assert response.status_code == 200 and [p.sku for p in response.context["products"]] == ["LD-6060"]
    assert signed_in.get(reverse("catalog:category", args=["nope"])).status_code == 404


def test_product_page_shows_everything_a_dealer_needs(signed_in, product):
    ProductImageFactory(product=product)
    ProductImageFactory(product=product)
    ProductDocumentFactory(product=product, title="Data sheet")
    power = AttributeFactory(code="power", name="Power", kind="number", unit="W")
    ProductAttributeFactory(product=product, attribute=power, value_number=Decimal("40"))
    variant = ProductFactory(sku="LD-6060-B", variant_of=product, variant_label="Black", category=product.category)
    related = ProductFactory(sku="DR-1", name="Driver", category=product.category)
    product.related.add(related)
    html = signed_in.get(reverse("catalog:product", args=[product.sku])).content.decode()
    for text in ["Flicker free", "Power", "40 W", "<strong>thin</strong>", "Data sheet", "Black", "Driver",
                 "120.00 TRY", "150.00 TRY", "Spring sale", "Why this price?", "<details", "Quantity prices",
                 "108.00 TRY", "100 boxes in stock", 'hx-get="/catalog/p/LD-6060/check/"']:
        assert text in html, text
    assert reverse("catalog:product", args=[variant.sku]) in html


def test_unknown_or_inactive_sku_is_404(signed_in, product):
    assert signed_in.get(reverse("catalog:product", args=["NOPE"])).status_code == 404
    ProductFactory(sku="OLD-1", active=False)
    assert signed_in.get(reverse("catalog:product", args=["OLD-1"])).status_code == 404
    assert signed_in.get(reverse("catalog:check_quantity", args=["OLD-1"]), {"quantity": "1"}).status_code == 404


@pytest.mark.parametrize("quantity,expected", [
    ("12", "Order in multiples of 5 boxes: 10 or 15, not 12."),
    ("5", "The minimum order quantity is 10 boxes."),
    ("abc", "Enter a quantity greater than zero"),
    ("15", "15 boxes × 120.00 TRY = 1,800.00 TRY"),
])
def test_quantity_check_fragment(signed_in, product, quantity, expected):
    response = signed_in.get(reverse("catalog:check_quantity", args=[product.sku]), {"quantity": quantity},
                             HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and expected in html and "<html" not in html


def test_unapproved_dealer_is_sent_to_its_status_page(client, product):
    user = DealerUserFactory(dealer=DealerFactory(status=Dealer.Status.APPLIED))
    client.force_login(user)
    for url in [reverse("catalog:list"), reverse("catalog:product", args=[product.sku])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("dealers:status")


def test_anonymous_visitor_is_sent_to_log_in(client, product):
    response = client.get(reverse("catalog:list"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_staff_without_dealer_browses_without_prices(client, product):
    client.force_login(StaffFactory())
    html = client.get(reverse("catalog:product", args=[product.sku])).content.decode()
    assert "IŞIK LED Panel 60x60" in html and "120.00 TRY" not in html
    assert "Prices are shown to signed-in users of approved dealers." in html
    assert "120.00 TRY" not in client.get(reverse("catalog:list")).content.decode()


def test_agent_acting_for_a_dealer_sees_its_prices(client, product):
    dealer = DealerFactory()
    agent = AgentFactory(dealers=[dealer])
    client.force_login(agent)
    session = client.session
    session[ACTING_SESSION_KEY] = dealer.pk
    session.save()
    assert "120.00 TRY" in client.get(reverse("catalog:product", args=[product.sku])).content.decode()


def test_viewer_role_browses_with_prices(client, product, dealer):
    client.force_login(DealerUserFactory(dealer=dealer, role="viewer"))
    assert "120.00 TRY" in client.get(reverse("catalog:list")).content.decode()


def test_document_download(signed_in, product):
    document = ProductDocumentFactory(product=product, title="Data sheet")
    response = signed_in.get(reverse("catalog:document", args=[document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "Data sheet.pdf" in response["Content-Disposition"]


def _fill(n, category, fake_prices):
    colour = AttributeFactory(code="colour")
    for i in range(n):
        p = ProductFactory(category=category, name=f"Panel {i}")
        ProductImageFactory(product=p)
        ProductAttributeFactory(product=p, attribute=colour, value_text=f"C{i % 4}")
        fake_prices.set(p, "10.00")


@pytest.mark.parametrize("n", [1, 50])
def test_list_page_query_count_is_fixed(signed_in, fake_prices, django_assert_max_num_queries, n):
    category = CategoryFactory(parent=CategoryFactory())
    _fill(n, category, fake_prices)
    # 3 for the session user, dealer and terms gate; 9 for tree, attributes, counts, facets, ids, page, images; 1 for
    # what later stages show on the cards (hook catalog.card_extras: feedback's stars of the page's products).
    # + 1 for a search's candidates (catalog.search.best_matches: at most SEARCH_CANDIDATES are counted and ranked).
    with django_assert_max_num_queries(15):  # + the session row (sessions in PostgreSQL)
        response = signed_in.get(reverse("catalog:list"), {"q": "panel", "attr_colour": "C0", "sort": "price"})
    assert response.status_code == 200 and response.context["total"] == (n + 3) // 4
    html = response.content.decode()
    assert all(f"Panel {i}<" in html for i in range(0, min(n, 24 * 4), 4))  # the C0 panels on the page


@pytest.mark.parametrize("n", [1, 50])
def test_product_page_query_count_is_fixed(signed_in, product, fake_prices, django_assert_max_num_queries, n):
    for i in range(n):
        other = ProductFactory(category=product.category)
        ProductImageFactory(product=other)
        product.related.add(other)
        ProductImageFactory(product=product)
        ProductDocumentFactory(product=product)
        ProductFactory(variant_of=product, variant_label=f"V{i}", category=product.category)
    # + 2 for later stages' parts (catalog.card_extras and catalog.product_panel): feedback's figures of the product
    # and its related cards, and one page of its reviews.
    with django_assert_max_num_queries(14):  # + the session row (sessions in PostgreSQL)
        response = signed_in.get(reverse("catalog:product", args=[product.sku]))
    html = response.content.decode()
    assert response.status_code == 200 and product.name in html and "120.00" in html  # its name and price
    assert all(f"V{i}" in html for i in range(n))  # every variant
    assert all(other.name in html for other in product.related.order_by("name")[:12])  # the related (12 at most)
    assert html.count("Data sheet") >= n  # every document


def test_pages_work_with_the_real_price_engine_and_no_price_lists(signed_in):
    product = ProductFactory(sku="REAL-1", name="Real engine")
    assert signed_in.get(reverse("catalog:list")).status_code == 200
    html = signed_in.get(reverse("catalog:product", args=[product.sku])).content.decode()
    assert "Real engine" in html and "No price for your account yet" in html
    html = signed_in.get(reverse("catalog:check_quantity", args=[product.sku]), {"quantity": "2"}).content.decode()
    assert "2 pieces can be ordered." in html


# --- admin ----------------------------------------------------------------------------------------

def _product_post(category, **override):
    data = {
        "sku": "ADM-1", "name": "Admin product", "category": category.pk, "active": "on", "unit": "piece",
        "pack_size": "1", "min_order_quantity": "1", "order_multiple": "1", "vat_rate": "20",
        "stock_quantity": "5", "lead_time_days": "0", "barcode": "", "description": "<p>Hi</p><script>x</script>",
    }
    for prefix in ["images", "documents", "attributes"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(override)
    return data


def test_admin_bad_barcode_is_a_form_error_not_a_500(client):
    from catalog.models import Product

    client.force_login(StaffFactory())
    response = client.post(reverse("admin:catalog_product_add"), _product_post(CategoryFactory(), barcode="1234567890123"))
    assert response.status_code == 200
    assert "not a valid EAN-13 barcode" in response.content.decode()
    assert not Product.objects.exists()


def test_admin_saves_through_the_service_with_thumbnails(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import Product
    from catalog.testing import png_bytes

    client.force_login(StaffFactory())
    data = _product_post(CategoryFactory(), **{
        "images-TOTAL_FORMS": "1", "images-0-image": SimpleUploadedFile("p.png", png_bytes(), "image/png"),
        "images-0-ordering": "0", "images-0-alt": "front"})
    response = client.post(reverse("admin:catalog_product_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    product = Product.objects.get(sku="ADM-1")
    assert "<script" not in product.description and "admin product" in product.search_text
    assert product.images.get().thumbnail


def test_admin_category_list_is_a_tree_and_product_search_works(client):
    client.force_login(StaffFactory())
    root = CategoryFactory(name="Root")
    CategoryFactory(name="Child", parent=root)
    html = client.get(reverse("admin:catalog_category_changelist")).content.decode()
    assert "└ Child" in html
    ProductFactory(sku="FIND-ME")
    html = client.get(reverse("admin:catalog_product_changelist"), {"q": "FIND-ME"}).content.decode()
    assert "FIND-ME" in html
