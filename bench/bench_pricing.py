"""Pricing 1,000 lines for one dealer with the price engine: time and number of queries. Goal < 100 ms, ≤ 10."""
import statistics
import time

from harness import django, emit, setup_database


def main():
    setup_database()
    django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from seed import seed_catalog

    from catalog.models import Product
    from pricing.engine import price_lines

    dealer, _, _ = seed_catalog(n_products=2_000)
    products = list(Product.objects.order_by("pk").values_list("pk", flat=True)[:1000])
    lines = [(pk, 1 + i % 120) for i, pk in enumerate(products)]
    price_lines(dealer=dealer, lines=lines)  # warm up
    timings = []
    for _ in range(7):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            priced = price_lines(dealer=dealer, lines=lines)
            timings.append((time.perf_counter() - started) * 1000)
    emit("pricing_1000_lines", {
        "lines": len(priced), "median_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1),
        "queries": len(ctx.captured_queries), "goal_ms": 100, "goal_queries": 10,
        "meets_goal": statistics.median(timings) < 100 and len(ctx.captured_queries) <= 10,
    })


if __name__ == "__main__":
    main()
