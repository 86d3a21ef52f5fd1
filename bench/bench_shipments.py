"""The dealer's shipments page (`/shipping/shipments/`) with 100,000 shipments in the database, under concurrent load
with the production server (gunicorn), signed in as the owner of a dealer that has several thousand of them: the
first page (newest first, 25 rows) and the page filtered by a status ("returned": a few rows spread over the year),
as requests per second, latency percentiles and the ratio to the bare view measured in the same run. Every request
carries a random extra parameter (the page has no results cache, but a later one must not make this bench measure
it). Staff read shipments in the admin: there is no staff shipments page of the portal's own to measure.

The shipments belong to 500 dealers (one in twenty orders is the bench dealer's), over the last year: each order of
two lines ships in two shipments (a partial shipment each), by one of three cargo companies (one to three parcels
with tracking codes) or the own truck; the old ones delivered (some returned, a few return shipments from the
dealer), the last days' still shipped, in transit, out for delivery or failed, the newest preparing; a fifth of them
with the carrier's tracking events. Seeded with bulk_create (idempotent: a second run reuses them).
`BENCH_SHIPMENTS=10000 make bench BENCH=shipments` for a short run."""
import os
import random
import time
from datetime import timedelta
from decimal import Decimal

from harness import django, emit, gunicorn, setup_database, wrk

SHIPMENTS = int(os.environ.get("BENCH_SHIPMENTS", "100000"))
DEALERS = 500
BENCH_EVERY = 20           # one order in twenty is the bench dealer's
SPAN_ROWS = 100_000        # the shipments spread over a year as if there were this many (a short run: the newest)
BATCH_ORDERS = 2500        # two shipments an order
OWNER = "bench-shipments@example.com"
FILTER = "returned"
IN_FLIGHT = ["shipped", "in_transit", "in_transit", "out_for_delivery", "out_for_delivery", "delivery_failed"]


def _dealers(make_password):
    """The 500 dealers (the first is the bench dealer), each with an owner who placed its orders."""
    from dealers.models import Dealer, Role, User

    dealers = list(Dealer.objects.filter(tax_number__startswith="77").order_by("tax_number")[:DEALERS])
    missing = [Dealer(tax_number=f"77{i:08d}", legal_name=f"Sevkiyat Bayi {i} Ltd. Şti.", tax_office="Merkez",
                      sector="electrical", employees="10-49", annual_revenue="5-25m", phone="1",
                      email=f"sevkiyat{i}@example.com", address_line="Sanayi 1", city="Bursa",
                      status=Dealer.Status.APPROVED, code=f"SV{i:04d}")
               for i in range(len(dealers), DEALERS)]
    if missing:
        dealers += Dealer.objects.bulk_create(missing)
    owners = {u.dealer_id: u for u in User.objects.filter(dealer__in=dealers, role=Role.OWNER)}
    password = make_password(None)
    new = [User(email=OWNER if n == 0 else f"sevkiyat-owner{n}@example.com", dealer=dealer, role=Role.OWNER,
                password=password, first_name="Sevda", last_name=f"Sevkiyat {n}")
           for n, dealer in enumerate(dealers) if dealer.pk not in owners]
    for user in User.objects.bulk_create(new):
        owners[user.dealer_id] = user
    return dealers, owners


def _vacuum():
    """What autovacuum does in time on a live database, now: the UPDATE's dead rows gone, the visibility map set (a
    count from an index alone), fresh statistics. Quick when nothing changed since the last run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) shipping_shipment, shipping_parcel, orders_order")
        cursor.execute("ANALYZE")


def seed(n_shipments):
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from catalog.models import Category, Product
    from dealers.models import User
    from orders.models import Order, OrderLine
    from shipping.models import Carrier, Parcel, Shipment, ShipmentLine, TrackingEvent

    started = time.perf_counter()
    dealers, owners = _dealers(make_password)
    owner = User.objects.get(email=OWNER)
    owner.set_password("bench-pass-2026")
    owner.save(update_fields=["password"])
    n_orders = (n_shipments + 1) // 2
    existing = Order.objects.filter(number__startswith="ORD-BS-").count()
    if existing >= n_orders:
        _vacuum()
        return owner, {"seeded": 0, "seconds": 0}
    carriers = [Carrier.objects.get_or_create(code=f"bench-ship-{k}", defaults={
        "name": name, "tracking_url_template": f"https://{k}.kargo.example/takip?kod={{code}}"})[0]
        for k, name in enumerate(["Yurtiçi Bench", "Aras Bench", "MNG Bench"])]
    category, _ = Category.objects.get_or_create(slug="bench-shipments", defaults={"name": "Sevkiyat bench"})
    products = [Product.objects.get_or_create(sku=f"BS-{k:03d}", defaults={
        "name": f"Kablo {k}", "category": category})[0] for k in range(20)]
    rng = random.Random(18)
    now = timezone.now()
    span = timedelta(days=365) / max(SPAN_ROWS, n_shipments)
    for start in range(existing, n_orders, BATCH_ORDERS):
        orders, lines, shipments, parcels, events = [], [], [], [], []
        for j in range(start, min(start + BATCH_ORDERS, n_orders)):
            dealer = dealers[0] if j % BENCH_EVERY == 0 else dealers[1 + j % (DEALERS - 1)]
            orders.append(Order(number=f"ORD-BS-{j:07d}", dealer=dealer, placed_by=owners[dealer.pk],
                                status="delivered", shipping_address="Sanayi 1, Bursa",
                                billing_address="Sanayi 1, Bursa", total_net=Decimal("200.00"),
                                total_vat=Decimal("40.00"), total_gross=Decimal("240.00")))
        with transaction.atomic():
            Order.objects.bulk_create(orders)
            for order in orders:
                for k in range(2):
                    product = products[rng.randrange(len(products))]
                    lines.append(OrderLine(order=order, product=product, sku=product.sku, name=product.name,
                                           unit="m", quantity=Decimal(50), unit_price=Decimal("2.00"),
                                           vat_rate=Decimal(20), line_net=Decimal("100.00"),
                                           line_vat=Decimal("20.00"), ordering=k))
            OrderLine.objects.bulk_create(lines)
            for n, line in enumerate(lines):
                i = 2 * start + n
                if i >= n_shipments:
                    break
                age = span * i + timedelta(minutes=1)  # SHP-BS-0000000 is the newest
                carrier = None if rng.random() < 0.1 else carriers[rng.randrange(len(carriers))]
                kind, status = "outbound", "delivered"
                if age < timedelta(hours=6):
                    status = "preparing"
                elif age < timedelta(days=4):
                    status = rng.choice(IN_FLIGHT + ["delivered"] * 4)
                elif rng.random() < 0.03:
                    status = "returned"
                elif rng.random() < 0.01:
                    kind = "return"
                shipped = None if status == "preparing" else now - age + timedelta(hours=3)
                shipment = Shipment(
                    number=f"SHP-BS-{i:07d}", order=line.order, dealer=line.order.dealer, carrier=carrier,
                    status=status, kind=kind, shipped_at=shipped,
                    delivered_at=shipped + timedelta(days=2) if status == "delivered" else None,
                    received_by="Ahmet Depo" if status == "delivered" else "",
                    waybill_number=f"IRS-BS-{i:07d}" if shipped else None, waybill_issued_at=shipped,
                    vehicle_plate="16 ABC 123" if carrier is None else "")
                shipments.append(shipment)
            Shipment.objects.bulk_create(shipments)
            shipment_lines = []
            for n, shipment in enumerate(shipments):
                line = lines[n]
                shipment_lines.append(ShipmentLine(shipment=shipment, order_line=line, quantity=line.quantity))
                i = int(shipment.number[7:])
                for p in range(1 if rng.random() < 0.7 else rng.randint(2, 3)):
                    code = "" if shipment.carrier is None else f"BS{i:07d}{p}"
                    parcels.append(Parcel(shipment=shipment, tracking_code=code, weight_kg=Decimal("4.500")))
                    if code and shipment.shipped_at and (shipment.status != "delivered" or rng.random() < 0.2):
                        for k, status in enumerate(("in_transit", "out_for_delivery", "delivered")[:2 + (
                                shipment.status == "delivered")]):
                            events.append(TrackingEvent(
                                source=f"carrier:{shipment.carrier.code}", event_id=f"BS-{i}-{p}-{k}",
                                carrier=shipment.carrier, tracking_code=code, status=status,
                                occurred_at=shipment.shipped_at + timedelta(hours=8 * (k + 1)),
                                location="Gebze aktarma", shipment=shipment, state="applied",
                                applied_at=shipment.shipped_at + timedelta(hours=8 * (k + 1))))
            ShipmentLine.objects.bulk_create(shipment_lines)
            Parcel.objects.bulk_create(parcels)
            TrackingEvent.objects.bulk_create(events)
    # auto_now_add set every creation to now: a shipment was made three hours before it left (the preparing ones at
    # their place in the year), an order a day before its first shipment.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shipping_shipment SET created_at = %s - substring(number from 8)::int * %s - interval '1 minute' "
            "WHERE number LIKE 'SHP-BS-%%'", [now, span])
        cursor.execute(
            "UPDATE orders_order SET created_at = %s - 2 * substring(number from 8)::int * %s - interval '1 day' "
            "WHERE number LIKE 'ORD-BS-%%'", [now, span])
    _vacuum()
    return owner, {"seeded": n_shipments - 2 * existing, "seconds": round(time.perf_counter() - started, 1)}


def main():
    setup_database()
    django()
    from django.test import Client

    from shipping.models import Shipment

    owner, seeded = seed(SHIPMENTS)
    client = Client()
    client.force_login(owner)
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    for query in ({}, {"status": FILTER}):  # the page answers before load: a wrong setup fails here, not as 0 req/s
        answer = client.get("/shipping/shipments/", query, HTTP_HOST="127.0.0.1")
        if answer.status_code != 200 or b'id="shipment-table"' not in answer.content:
            raise SystemExit(f"/shipping/shipments/ {query} answered {answer.status_code} without shipments")
    own = Shipment.objects.filter(dealer=owner.dealer_id)
    with gunicorn() as base:
        bare = wrk(f"{base}/bench/bare/")
        first_page = wrk(f"{base}/shipping/shipments/", headers=cookie, script="random_param.lua")
        filtered = wrk(f"{base}/shipping/shipments/?status={FILTER}", headers=cookie, script="random_param.lua")
    if not bare["requests_per_s"]:  # gunicorn did not come up in time on a machine this busy: no ratio to give
        raise SystemExit(f"the bare view answered nothing: {bare}")
    for figures in (first_page, filtered):
        figures["ratio_to_bare"] = round(figures["requests_per_s"] / bare["requests_per_s"], 3)
    emit(f"shipments_list_{SHIPMENTS // 1000}k", {
        "shipments": SHIPMENTS, "dealer_shipments": own.count(),
        "dealer_shipments_filtered": own.filter(status=FILTER).count(), "seed": seeded, "bare_view": bare,
        "shipments_first_page": first_page, f"shipments_status_{FILTER}": filtered,
        "goal_ratio": 0.05, "meets_goal": min(first_page["ratio_to_bare"], filtered["ratio_to_bare"]) >= 0.05})


if __name__ == "__main__":
    main()
