"""The catalog list's HTML, byte for byte, for a fixed dataset (issue 18: the page was made faster; what a dealer
sees must not change). The pages are compared with the files under `golden/`, written from the page before the
speed work. Only the per-request CSRF tokens are masked.

A deliberate change of the page rewrites the files: `GOLDEN_UPDATE=1 make test PYTEST_ARGS=catalog/tests/test_golden.py`,
then read the diff of the files before committing it."""
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from portal.testing import golden_mismatches

GOLDEN = Path(__file__).with_name("golden")
PAGES = [
    ("list", "/catalog/"),
    ("grid", "/catalog/?view=grid&page=2"),
    ("dense", "/catalog/?view=dense&per_page=100"),
    ("search", "/catalog/?q=panel&sort=price_desc"),
    ("category", "/catalog/c/golden-panels/?in_stock=1&attr_colour=white"),
]
_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]{64}')


def _dataset():
    """Two categories, 40 products (names, SKUs, stock, units, images, a colour attribute), prices from a market
    and the dealer's segment list with a quantity break, a campaign on five products, two approved reviews: ids
    from 1 (sequences reset), so links and field ids are the same on every run."""
    from catalog.models import Attribute, Category, Product, ProductAttribute, ProductImage
    from dealers.models import Dealer, Role, Segment, User
    from feedback.models import Review
    from pricing.models import Campaign, PriceList, PriceListItem

    segment = Segment.objects.filter(is_default=True).first()
    dealer = Dealer.objects.create(
        legal_name="Golden Elektrik Ltd. Şti.", trade_name="Golden", tax_office="Kadıköy", tax_number="1234567890",
        sector="electrical", employees="10-49", annual_revenue="5-25m", phone="+90 216 555 00 00",
        email="info@golden.example.com", address_line="Bağdat Cad. 1", city="İzmir", status=Dealer.Status.APPROVED,
        code="GOLD01", segment=segment, tier="gold")
    user = User.objects.create_user("owner@golden.example.com", "golden-pass-2026", dealer=dealer,
                                    role=Role.OWNER, first_name="Ayşe", last_name="Altın")
    root = Category.objects.create(name="Aydınlatma", slug="golden-lighting")
    panels = Category.objects.create(name="Paneller", slug="golden-panels", parent=root)
    colour = Attribute.objects.create(code="colour", name="Colour", kind="choice", filterable=True)
    market = PriceList.objects.create(name="Market", kind="market")
    special = PriceList.objects.create(name="Segment", kind="segment", segment=segment)
    products = []
    for i in range(40):
        product = Product.objects.create(
            sku=f"GLD-{i:03d}", name=f"{'Panel' if i % 2 else 'Spot'} {i} {'Çelik' if i % 3 else 'Işık'}",
            category=panels if i % 4 else root, unit=("piece", "box", "metre")[i % 3],
            stock_quantity=Decimal(i % 7) * 10, min_order_quantity=Decimal(1 + i % 3),
            allow_backorder=i % 5 == 0, lead_time_days=3 if i % 5 == 0 else 0)
        products.append(product)
        if i % 3 == 0:
            ProductImage.objects.create(product=product, image=f"products/golden-{i}.jpg", alt=f"Photo {i}")
        ProductAttribute.objects.create(product=product, attribute=colour,
                                        value_text=("white", "black")[i % 2])
        PriceListItem.objects.create(price_list=market, product=product, unit_price=Decimal(100 + i * 7))
        if i % 2 == 0:
            PriceListItem.objects.create(price_list=special, product=product, unit_price=Decimal(90 + i * 6))
            PriceListItem.objects.create(price_list=special, product=product, min_quantity=50,
                                         unit_price=Decimal(85 + i * 6))
    from datetime import timedelta

    from django.utils import timezone
    campaign = Campaign.objects.create(name="Spring lights", kind="percent", value=Decimal("12.5"),
                                       starts_at=timezone.now() - timedelta(days=1),
                                       ends_at=timezone.now() + timedelta(days=30))
    campaign.products.add(*products[10:15])
    for product, stars in ((products[1], 5), (products[3], 3)):
        Review.objects.create(product=product, dealer=dealer, stars=stars, title="Good", body="Even light.",
                              city="İzmir", tier="gold", status="published", submitted_at=timezone.now(),
                              moderated_at=timezone.now())
    from catalog.services import refresh_search

    refresh_search(products=Product.objects.all())
    return user


def _page(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return _TOKEN.sub(r"\1<token>", response.content.decode())


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_catalog_list_pages_are_byte_identical_to_the_golden_files():
    user = _dataset()
    cache.clear()
    client = Client()
    client.force_login(user)
    # The second rendering of a page comes from what the first kept (caches): the same bytes.
    failures = golden_mismatches(GOLDEN, "catalog", PAGES, lambda url, language: _page(client, url, language))
    assert not failures, f"pages differ from their golden files (the pages are in test-artifacts/golden/): {failures}"
