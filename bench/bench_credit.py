"""Credit under load: many parallel on-account orders for ONE dealer through the production server (the API, 8
users' tokens, a fresh Idempotency-Key each) until its limit is used up. Orders per second while credit lasts,
refusals (409) after, and the final exposure compared with the limit: it must never pass it."""
import json
from decimal import Decimal

from harness import django, emit, gunicorn, setup_database, wrk

LIMIT = Decimal("60000.00")
USERS = 8


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
    dealer, _ = Dealer.objects.get_or_create(tax_number="7700000001", defaults=dict(
        legal_name="Kredi Bayi A.Ş.", tax_office="Merkez", sector="electrical", employees="10-49",
        annual_revenue="5-25m", phone="1", email="credit@example.com", address_line="x", city="Ankara",
        status=Dealer.Status.APPROVED, code="CRDT01"))
    CreditAccount.objects.update_or_create(dealer=dealer, defaults={"credit_limit": LIMIT, "on_hold": False})
    for kind in (Address.Kind.SHIPPING, Address.Kind.BILLING):
        Address.objects.get_or_create(dealer=dealer, kind=kind, is_default=True,
                                      defaults={"label": "Depo", "line1": "Sanayi 1", "city": "Ankara"})
    staff = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-admin@example.com", "bench-pass-2026")
    # A fresh start: earlier runs' orders count no more (cancelled by staff, through the order's lifecycle).
    cancellable = [s for s in OrderStatus if OrderStatus.CANCELLED in staff_moves(s)]
    for order in Order.objects.filter(dealer=dealer, status__in=cancellable):
        set_status(actor=staff, order=order, status=OrderStatus.CANCELLED)
    tokens = []
    for n in range(USERS):
        user = User.objects.filter(email=f"credit{n}@example.com").first() or User.objects.create_user(
            f"credit{n}@example.com", "bench-pass-2026", dealer=dealer, role=Role.OWNER)
        tokens.append(create_api_token(name=f"credit bench {n}", user=user, scopes=["account"], actor=staff)[1])
    return dealer, tokens


def main():
    setup_database()
    django()
    from orders.models import Order
    from payments.services.credit import credit_status

    dealer, tokens = seed()
    # 5 × 100.00 net = 600.00 with VAT: the limit holds exactly 100 of them.
    body = json.dumps({"lines": [{"sku": "CR-BENCH", "quantity": "5"}]})
    with gunicorn() as base:
        run = wrk(f"{base}/api/v1/me/orders/", script="orders.lua", connections=16, seconds=6, warmup=0,
                  env={"WRK_TOKENS": ",".join(tokens), "WRK_BODY": body})
    placed = Order.objects.filter(dealer=dealer).exclude(status="cancelled").count()
    status = credit_status(dealer)
    emit("credit_parallel_orders", {
        "limit": str(status.limit), "final_exposure": str(status.exposure), "orders_placed": placed,
        "orders_possible": int(LIMIT / Decimal("600.00")), "orders_per_s": round(placed / run["seconds"], 1),
        "requests": run,
        "requests_refused_409": run["non_2xx"], "never_exceeded": status.exposure <= status.limit})


if __name__ == "__main__":
    main()
