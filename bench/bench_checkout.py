"""Checkout throughput: many dealers placing orders in parallel through the production server (the API with a
token per dealer and an Idempotency-Key per order): orders per second, and as a ratio of the one-query baseline.
Every order is real: priced by the engine, numbered, stock taken under row locks, outbox rows written.
Goal (issue 18): orders per second at least 6 % of the one-query view's requests per second, in the same run.
`BENCH_CHECKOUT_SECONDS` (default 8) shortens a run while developing."""
import json
import os

from harness import django, emit, gunicorn, setup_database, wrk

DEALERS = 32
PRODUCTS = 20
GOAL_RATIO = 0.06
SECONDS = int(os.environ.get("BENCH_CHECKOUT_SECONDS", "8"))


def seed():
    from decimal import Decimal

    from catalog.models import Category, Product
    from dealers.models import Address, Dealer, Role, User
    from portal.api_tokens import create_api_token
    from pricing.models import PriceList, PriceListItem

    category, _ = Category.objects.get_or_create(slug="bench-checkout", defaults={"name": "Checkout bench"})
    market, _ = PriceList.objects.get_or_create(erp_code="BENCH-CHECKOUT", defaults={"name": "Checkout bench",
                                                                                     "kind": "market"})
    skus = []
    for i in range(PRODUCTS):
        product, _ = Product.objects.get_or_create(sku=f"CO-{i:03d}", defaults={
            "name": f"Checkout {i}", "category": category, "allow_backorder": True})
        Product.objects.filter(pk=product.pk).update(stock_quantity=Decimal(10_000_000))
        PriceListItem.objects.get_or_create(price_list=market, product=product, min_quantity=1,
                                            defaults={"unit_price": Decimal(10 + i)})
        skus.append(product.sku)
    tokens = []
    staff = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-admin@example.com", "bench-pass-2026")
    for n in range(DEALERS):
        dealer, _ = Dealer.objects.get_or_create(tax_number=f"88{n:08d}", defaults=dict(
            legal_name=f"Checkout Bayi {n}", tax_office="Merkez", sector="electrical", employees="10-49",
            annual_revenue="5-25m", phone="1", email=f"co{n}@example.com", address_line="x", city="Ankara",
            status=Dealer.Status.APPROVED, code=f"CO{n:04d}"))
        for kind in (Address.Kind.SHIPPING, Address.Kind.BILLING):
            Address.objects.get_or_create(dealer=dealer, kind=kind, is_default=True,
                                          defaults={"label": "Depo", "line1": "Sanayi 1", "city": "Ankara"})
        user = User.objects.filter(email=f"co{n}@example.com").first() or User.objects.create_user(
            f"co{n}@example.com", "bench-pass-2026", dealer=dealer, role=Role.OWNER)
        _token, key = create_api_token(name=f"bench {n}", user=user, scopes=["account"], actor=staff)
        tokens.append(key)
    return skus, tokens


def main():
    setup_database()
    django()
    from dealers.models import Dealer
    from orders.models import Order

    skus, tokens = seed()
    body = json.dumps({"lines": [{"sku": sku, "quantity": "2"} for sku in skus[:5]], "po_number": "BENCH"})
    before = Order.objects.count()
    dealer = Dealer.objects.filter(code="CO0000").first()
    with gunicorn() as base:
        one_query = wrk(f"{base}/bench/pk/{dealer.pk}/", seconds=SECONDS)
        orders = wrk(f"{base}/api/v1/me/orders/", script="orders.lua", connections=16, seconds=SECONDS,
                     env={"WRK_TOKENS": ",".join(tokens), "WRK_BODY": body})
    # Every 2xx answer is a placed order (fresh key each); the count includes wrk's warm-up requests.
    orders["orders_placed_incl_warmup"] = Order.objects.count() - before
    orders["orders_per_s"] = orders["requests_per_s"] if not orders["non_2xx"] else None
    orders["ratio_to_one_query"] = round(orders["requests_per_s"] / one_query["requests_per_s"], 3)
    orders["goal_ratio"] = GOAL_RATIO
    # Every request must have placed its order: a refusal or an error is no throughput.
    orders["meets_goal"] = not orders["non_2xx"] and orders["ratio_to_one_query"] >= GOAL_RATIO
    emit("checkout", {"dealers": len(tokens), "lines_per_order": 5, "one_query_view": one_query, "checkout": orders})


if __name__ == "__main__":
    main()
