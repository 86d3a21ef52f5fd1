"""The pricing admin: lists, campaigns, payment adjustments and the "Price as dealer…" page."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dealers.testing import UserFactory
from pricing.models import PaymentAdjustment, PriceList
from pricing.testing import CampaignFactory, PaymentAdjustmentFactory, PriceListFactory, PriceListItemFactory

pytestmark = pytest.mark.django_db

PREVIEW = "admin:pricing_pricelist_price_as_dealer"


@pytest.fixture
def lists(dealer, product):
    market = PriceListFactory(kind="market", name="Market 2026")
    PriceListItemFactory(price_list=market, product=product, unit_price=Decimal("120.00"))
    segment = PriceListFactory(kind="segment", segment=dealer.segment, name="Gold list")
    PriceListItemFactory(price_list=segment, product=product, unit_price=Decimal("100.00"))
    PriceListItemFactory(price_list=segment, product=product, min_quantity=10, unit_price=Decimal("90.00"))
    return market, segment


def test_price_list_changelist_links_to_price_as_dealer(staff_client, lists):
    response = staff_client.get(reverse("admin:pricing_pricelist_changelist"))
    assert response.status_code == 200
    assert reverse(PREVIEW).encode() in response.content
    assert b"Gold list" in response.content


def test_price_list_change_page_shows_its_rows(staff_client, lists, product):
    response = staff_client.get(reverse("admin:pricing_pricelist_change", args=[lists[1].pk]))
    assert response.status_code == 200
    assert b"90.00" in response.content


def test_staff_adds_a_contract_list_with_a_row(staff_client, dealer, product):
    response = staff_client.post(reverse("admin:pricing_pricelist_add"), {
        "name": "Contract X", "kind": "contract", "dealer": dealer.pk, "currency": "TRY", "priority": 0,
        "active": "on",
        "items-TOTAL_FORMS": 1, "items-INITIAL_FORMS": 0, "items-MIN_NUM_FORMS": 0, "items-MAX_NUM_FORMS": 1000,
        "items-0-product": product.pk, "items-0-min_quantity": "1", "items-0-unit_price": "77.50",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    plist = PriceList.objects.get(name="Contract X")
    assert plist.items.get().unit_price == Decimal("77.50")


def test_price_as_dealer_renders_the_engine_table(staff_client, dealer, product, lists):
    PaymentAdjustmentFactory(method="wire", installments=1, percent=Decimal("-2"))
    CampaignFactory(products=[product], name="Spring ten", value=Decimal("10"))
    response = staff_client.get(reverse(PREVIEW), {
        "dealer": dealer.pk, "lines": f"{product.sku} 10\n\n", "payment_method": "wire", "installments": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="price-table"' in body
    line = response.context["lines"][0]
    # 100 → break 90 → campaign 81 → wire −2 % 79.38
    assert [r.kind for r in line.rules] == ["market", "segment", "break", "campaign", "payment"]
    assert line.unit_price == Decimal("79.38")
    for text in ["Gold list", "Spring ten", "79.38", "793.80", "158.76", "952.56", "120.00"]:
        assert text in body
    assert response.context["totals"].gross == Decimal("952.56")


def test_price_as_dealer_without_dealer_shows_market_prices(staff_client, product, lists):
    response = staff_client.get(reverse(PREVIEW), {"dealer": "", "lines": product.sku.lower(), "installments": "1"})
    assert response.status_code == 200
    assert response.context["lines"][0].unit_price == Decimal("120.00")


@pytest.mark.parametrize("typed", ["LED-MIXED-1", "led-mixed-1", "Led-Mixed-1"])
def test_price_as_dealer_finds_a_mixed_case_sku_however_it_is_typed(typed, staff_client, sub_category, lists):
    from pricing.testing import CatalogProductFactory

    product = CatalogProductFactory(sku="Led-Mixed-1", category=sub_category)
    PriceListItemFactory(price_list=lists[0], product=product, unit_price=Decimal("7.50"))
    response = staff_client.get(reverse(PREVIEW), {"dealer": "", "lines": f"{typed} 2", "installments": "1"})
    assert response.status_code == 200
    assert [(line.sku, line.unit_price) for line in response.context["lines"]] == [("Led-Mixed-1", Decimal("7.50"))]


def test_price_as_dealer_marks_a_product_without_price(staff_client, dealer, sub_category):
    from pricing.testing import CatalogProductFactory

    CatalogProductFactory(sku="NOPRICE-1", category=sub_category)
    response = staff_client.get(reverse(PREVIEW), {"dealer": dealer.pk, "lines": "NOPRICE-1 2"})
    assert response.status_code == 200
    assert b"cannot be ordered" in response.content


@pytest.mark.parametrize("lines, message", [
    ("NOPE-404 3", "Unknown SKU: NOPE-404"),
    ("LED-600 abc", "Line 1 (LED-600)"),
    ("LED-600 -2", "Line 1 (LED-600)"),
    ("LED-600 1 2", "Line 1"),
    ("   ", "This field is required"),
    ("\n\n", "This field is required"),
])
def test_price_as_dealer_explains_bad_lines_without_a_500(lines, message, staff_client, dealer, lists):
    response = staff_client.get(reverse(PREVIEW), {"dealer": dealer.pk, "lines": lines})
    assert response.status_code == 200
    assert response.context["lines"] is None
    assert message in str(response.context["form"].errors)


def test_price_as_dealer_refuses_a_bad_dealer_id(staff_client, lists):
    response = staff_client.get(reverse(PREVIEW), {"dealer": "999999", "lines": "LED-600 1"})
    assert response.status_code == 200
    assert "dealer" in response.context["form"].errors


def test_price_as_dealer_is_not_for_non_staff(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse(PREVIEW))
    assert response.status_code == 302  # to the admin login


def test_price_as_dealer_empty_form(staff_client, dealer):
    response = staff_client.get(reverse(PREVIEW), {"dealer": dealer.pk})
    assert response.status_code == 200
    assert response.context["lines"] is None and not response.context["form"].errors


def test_campaign_changelist_shows_running_badge(staff_client, product):
    CampaignFactory(name="Now running", products=[product])
    CampaignFactory(name="Long gone", starts_at=timezone.now() - timedelta(days=30),
                    ends_at=timezone.now() - timedelta(days=20))
    response = staff_client.get(reverse("admin:pricing_campaign_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="campaign-running"') == 1
    assert "Long gone" in body and 'class="campaign-off"' in body


def test_campaign_add_page_renders(staff_client):
    assert staff_client.get(reverse("admin:pricing_campaign_add")).status_code == 200


def test_payment_adjustments_are_edited_in_the_list(staff_client):
    wire = PaymentAdjustmentFactory(method="wire", installments=1, percent=Decimal("-2"))
    response = staff_client.post(reverse("admin:pricing_paymentadjustment_changelist"), {
        "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 1000,
        "form-0-id": wire.pk, "form-0-percent": "-3", "form-0-active": "on", "_save": "Save"})
    assert response.status_code == 302
    assert PaymentAdjustment.objects.get(pk=wire.pk).percent == Decimal("-3")


def test_price_as_dealer_shows_quantities_and_breaks_without_exponents(staff_client, dealer, product, lists):
    response = staff_client.get(reverse(PREVIEW), {"dealer": dealer.pk, "lines": f"{product.sku} 10"})
    body = response.content.decode()
    assert "1E+1" not in body and "2E+1" not in body
    assert ">10<" in body and "10+ → 90.00" in body and "(20 %)" in body


def test_dealer_autocomplete_of_the_price_as_dealer_page_answers(staff_client, dealer):
    response = staff_client.get(reverse("admin:autocomplete"), {
        "app_label": "pricing", "model_name": "pricelist", "field_name": "dealer", "term": dealer.legal_name[:8]})
    assert response.status_code == 200
    assert str(dealer.pk) in [row["id"] for row in response.json()["results"]]
