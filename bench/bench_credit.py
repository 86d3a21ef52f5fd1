"""Credit under load: many parallel on-account orders for ONE dealer through the production server (the API, 8
users' tokens, a fresh Idempotency-Key each) until its limit is used up. Orders per second while credit lasts,
refusals (409) after, and the final exposure compared with the limit: it must never pass it.

Every order of the dealer waits on its credit account's row lock, so this measures the serial section of placing an
order (from that lock to the commit). The limit holds ORDERS orders (300: several seconds of placing at the goal's
rate); the rate is taken over the time orders were being placed (the first order's created_at to the last's), not
over wrk's whole run (whose end is refusals only). Before the run, the server's workers are warmed up on another
dealer's account. Goal (issue 18): at least 30 orders per second, every possible order placed, the exposure never
above the limit. `BENCH_CREDIT_ORDERS` sets a smaller limit while developing."""
import json
import os
from decimal import Decimal

from harness import django, emit, gunicorn, setup_database, wrk

ORDER_GROSS = Decimal("600.00")  # 5 × 100.00 net, with 20 % VAT
ORDERS = int(os.environ.get("BENCH_CREDIT_ORDERS", "300"))
LIMIT = ORDER_GROSS * ORDERS
USERS = 8
GOAL_ORDERS_PER_S = 30


def seed():
    from catalog.models import Category, Product
    from dealers.models import Address, Dealer, Role, User
    from orders.models import Order, OrderStatus
    from orders.services import set_status, staff_moves
    from payments.models import CreditAccount
    from portal.api_tokens import create_api_token
    from pricing.models import PriceList, PriceListItem

    category, _ = Category.objects.get_or_create(slug="bench-credit", defaults={"name": "Credit bench"})
    market, _ = PriceList.objects.get_or_create(erp_code="BENCH-CREDIT", defaults={"name": "Credit bench",
                                                                                   "kind": "market"})
    product, _ = Product.objects.get_or_create(sku="CR-BENCH", defaults={"name": "Credit bench item",
                                                                         "category": category})
    Product.objects.filter(pk=product.pk).update(stock_quantity=Decimal(10_000_000))
    PriceListItem.objects.get_or_create(price_list=market, product=product, min_quantity=1,
                                        defaults={"unit_price": Decimal("100.00")})
    staff = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-admin@example.com", "bench-pass-2026")
    cancellable = [s for s in OrderStatus if OrderStatus.CANCELLED in staff_moves(s)]
    accounts = {}
    # The measured dealer, and one whose orders warm the server's workers up (an ample limit of its own).
    for code, tax_number, prefix, limit in (("CRDT01", "7700000001", "credit", LIMIT),
                                            ("CRDT02", "7700000002", "credit-warm", Decimal("1000000000.00"))):
        dealer, _ = Dealer.objects.get_or_create(tax_number=tax_number, defaults=dict(
            legal_name=f"Kredi Bayi {code} A.Ş.", tax_office="Merkez", sector="electrical", employees="10-49",
            annual_revenue="5-25m", phone="1", email=f"{prefix}@example.com", address_line="x", city="Ankara",
            status=Dealer.Status.APPROVED, code=code))
        CreditAccount.objects.update_or_create(dealer=dealer, defaults={"credit_limit": limit, "on_hold": False})
        for kind in (Address.Kind.SHIPPING, Address.Kind.BILLING):
            Address.objects.get_or_create(dealer=dealer, kind=kind, is_default=True,
                                          defaults={"label": "Depo", "line1": "Sanayi 1", "city": "Ankara"})
        # A fresh start: earlier runs' orders count no more (cancelled by staff, through the order's lifecycle).
        # The warm-up dealer's limit is ample: its orders stay.
        for order in Order.objects.filter(dealer=dealer, status__in=cancellable) if code == "CRDT01" else ():
            set_status(actor=staff, order=order, status=OrderStatus.CANCELLED)
        tokens = []
        for n in range(USERS):
            user = User.objects.filter(email=f"{prefix}{n}@example.com").first() or User.objects.create_user(
                f"{prefix}{n}@example.com", "bench-pass-2026", dealer=dealer, role=Role.OWNER)
            tokens.append(create_api_token(name=f"{prefix} bench {n}", user=user, scopes=["account"],
                                           actor=staff)[1])
        accounts[code] = (dealer, tokens)
    return accounts["CRDT01"], accounts["CRDT02"][1]


def main():
    setup_database()
    django()
    from django.db.models import Max, Min

    from orders.models import Order
    from payments.services.credit import credit_status

    (dealer, tokens), warm_tokens = seed()
    body = json.dumps({"lines": [{"sku": "CR-BENCH", "quantity": "5"}]})
    url_seconds = max(12, ORDERS // 15)  # long enough to place every order at half the goal's rate
    with gunicorn() as base:
        wrk(f"{base}/api/v1/me/orders/", script="orders.lua", connections=4, seconds=2, warmup=0,
            env={"WRK_TOKENS": ",".join(warm_tokens), "WRK_BODY": body})
        run = wrk(f"{base}/api/v1/me/orders/", script="orders.lua", connections=16, seconds=url_seconds, warmup=0,
                  env={"WRK_TOKENS": ",".join(tokens), "WRK_BODY": body})
    orders = Order.objects.filter(dealer=dealer).exclude(status="cancelled")
    placed = orders.count()
    span = orders.aggregate(first=Min("created_at"), last=Max("created_at"))
    placing_s = (span["last"] - span["first"]).total_seconds() if placed > 1 else None
    # n orders placed one after the other on the account's lock: n - 1 intervals between the first and the last.
    per_s = round((placed - 1) / placing_s, 1) if placing_s else None
    status = credit_status(dealer)
    never_exceeded = status.exposure <= status.limit
    possible = int(LIMIT / ORDER_GROSS)
    emit("credit_parallel_orders", {
        "limit": str(status.limit), "final_exposure": str(status.exposure), "orders_placed": placed,
        "orders_possible": possible, "placing_seconds": round(placing_s, 3) if placing_s else None,
        "orders_per_s": per_s, "goal_orders_per_s": GOAL_ORDERS_PER_S,
        "meets_goal": bool(per_s and per_s >= GOAL_ORDERS_PER_S and never_exceeded and placed == possible),
        "requests": run, "requests_refused_409": run["non_2xx"], "never_exceeded": never_exceeded})


if __name__ == "__main__":
    main()
