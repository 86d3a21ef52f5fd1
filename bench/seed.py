"""Seed the bench database with a large catalog (idempotent per size): categories, products, prices."""
import time
from decimal import Decimal


def seed_catalog(n_products=100_000, prices_per_product=3):
    from django.db import connection

    from catalog.models import Category, Product
    from dealers.models import Dealer, Role, Segment, User
    from pricing.models import PriceList, PriceListItem

    started = time.perf_counter()
    segment = Segment.objects.filter(is_default=True).first()
    dealer, _ = Dealer.objects.get_or_create(tax_number="9999999999", defaults=dict(
        legal_name="Bench Bayi A.Ş.", tax_office="Merkez", sector="electrical", employees="10-49",
        annual_revenue="5-25m", phone="1", email="bench@example.com", address_line="x", city="İstanbul",
        status=Dealer.Status.APPROVED, code="BENCH7", segment=segment))
    user = User.objects.filter(email="bench-owner@example.com").first()
    if user is None:
        user = User.objects.create_user("bench-owner@example.com", "bench-pass-2026", dealer=dealer, role=Role.OWNER)
    existing = Product.objects.count()
    if existing >= n_products:
        return dealer, user, {"seeded": 0, "seconds": 0}
    roots = []
    for r in range(5):
        root, _ = Category.objects.get_or_create(slug=f"bench-{r}", defaults={"name": f"Bölüm {r}"})
        for c in range(4):
            child, _ = Category.objects.get_or_create(slug=f"bench-{r}-{c}", defaults={"name": f"Grup {r}.{c}",
                                                                                        "parent": root})
            for leaf in range(5):
                cat, _ = Category.objects.get_or_create(slug=f"bench-{r}-{c}-{leaf}", defaults={
                    "name": f"Alt grup {r}.{c}.{leaf}", "parent": child})
                roots.append(cat)
    market, _ = PriceList.objects.get_or_create(erp_code="BENCH-MARKET", defaults={"name": "Bench market",
                                                                                   "kind": "market"})
    seg_list, _ = PriceList.objects.get_or_create(erp_code="BENCH-SEG", defaults={
        "name": "Bench segment", "kind": "segment", "segment": segment})
    batch = 5000
    for start in range(existing, n_products, batch):
        rows = []
        for i in range(start, min(start + batch, n_products)):
            rows.append(Product(sku=f"BN-{i:07d}", name=f"Ürün {i} ÇELİK IŞIK {i % 97}", category=roots[i % len(roots)],
                                short_description=f"Açıklama {i}", stock_quantity=Decimal(i % 50)))
        created = Product.objects.bulk_create(rows)
        items = []
        for p in created:
            price = Decimal(10 + p.pk % 900)
            items.append(PriceListItem(price_list=market, product=p, unit_price=price))
            items.append(PriceListItem(price_list=seg_list, product=p, unit_price=price * Decimal("0.9")))
            if prices_per_product > 2:
                items.append(PriceListItem(price_list=seg_list, product=p, min_quantity=50,
                                           unit_price=price * Decimal("0.85")))
        PriceListItem.objects.bulk_create(items)
    try:
        from catalog.services import refresh_search

        refresh_search(products=Product.objects.filter(search_text=""))
    except ImportError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # after the search columns are filled, or the planner misjudges every search
    return dealer, user, {"seeded": n_products - existing, "seconds": round(time.perf_counter() - started, 1)}
