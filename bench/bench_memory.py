"""Memory of the production server under catalog load: every gunicorn worker's resident set size (RSS) after a
warm-up of 500 catalog requests, after 2,000, every 1,000 and after 10,000, for a dealer with 100,000 products.

The server runs as the Procfile runs it (the ASGI application under uvicorn workers). The requests vary widely and
mostly miss the results cache, so anything a worker keeps per request (a cache without a bound kept in the process,
a memo keyed by page, query or product) would show as growth: random pages of the whole list, random pages of every
seeded category, searches with varied words (some misspelt), product pages of random SKUs, the list, grid and dense
views and every sort (by price over the whole catalog only now and then: it prices every product, seconds each).
Several connections at once, each reconnecting now and then, so every worker gets its share.

Goal (issue 18): no worker passes 250 MB at any reading, and none grows by 25 MB or more between request 2,000 and
request 10,000 by its trend (a least-squares line through a reading every 1,000 requests: one reading swings by
tens of MB with the heavy requests just served). `BENCH_MEMORY_REQUESTS=2000` (and `BENCH_MEMORY_PRODUCTS=10000`)
for a short run.
"""
import http.client
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

from harness import django, emit, gunicorn, setup_database

REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", "10000"))
PRODUCTS = int(os.environ.get("BENCH_MEMORY_PRODUCTS", "100000"))
WORKERS = int(os.environ.get("BENCH_MEMORY_WORKERS", "3"))  # the Procfile's WEB_CONCURRENCY default
CONNECTIONS = 6
WARM, SETTLED = 500, 2000
GOAL_RSS_MB, GOAL_GROWTH_MB = 250, 25
WORDS = ["celik", "çelik", "isik", "ışık", "urun", "ürün", "aciklama", "celk", "isikk", "ürn", "kablo", "priz",
         "lamba", "sigorta", "anahtar", "grup", "alt", "bolum"]


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def gunicorn_workers(port, wait_for=0):
    """The worker pids of the gunicorn master this process started on `port` (its children); with `wait_for`,
    waits (up to 60 s) until that many have been forked."""
    masters = [pid for pid in _children(os.getpid()) if "gunicorn" in _cmdline(pid) and f":{port}" in _cmdline(pid)]
    if len(masters) != 1:
        raise SystemExit(f"gunicorn master on port {port} not found: {masters}")
    deadline = time.monotonic() + 60
    while len(_children(masters[0])) < wait_for and time.monotonic() < deadline:
        time.sleep(0.2)
    return sorted(_children(masters[0]))


def request_paths(n, *, categories, products, seed=2026):
    """n catalog paths, varied so most miss the results cache (each dealer/page/filter/sort/view is its own key)."""
    rnd = random.Random(seed)
    pages = max(products // 24, 1)
    paths = []
    for _ in range(n):
        kind = rnd.random()
        params = {}
        if rnd.random() < 0.4:
            params["view"] = rnd.choice(("list", "grid", "dense"))
        if rnd.random() < 0.3:
            params["sort"] = rnd.choice(("name", "price", "price_desc", "newest"))
        if kind < 0.40:
            path = "/catalog/"
            params["page"] = rnd.randint(1, pages)
            # Sorting the whole catalog by price prices every product (seconds each): one request in 500.
            if params.get("sort", "").startswith("price") and rnd.random() > 0.03:
                params["sort"] = rnd.choice(("name", "newest"))
        elif kind < 0.65:
            slug, size = rnd.choice(categories)
            path = f"/catalog/c/{slug}/"
            params["page"] = rnd.randint(1, max(size // 24, 1))
        elif kind < 0.80:
            path = "/catalog/"
            words = [rnd.choice(WORDS)] if rnd.random() < 0.5 else []
            words.append(str(rnd.randint(0, products)))
            if rnd.random() < 0.3:
                words.append(rnd.choice(WORDS))
            params["q"] = " ".join(words)
            if rnd.random() < 0.3:
                params["page"] = rnd.randint(1, 5)
        else:
            path = f"/catalog/p/BN-{rnd.randrange(products):07d}/"
            params = {}
        paths.append(f"{path}?{urlencode(params)}" if params else path)
    # The warm-up holds the heaviest request too, three whole-catalog price sorts per worker (spread over its first
    # requests; the connections reach every worker): a worker's first few of them raise its resident set to where
    # it stays (glibc and Python keep the freed space for later; portal/memory.py hands back what it can), which is
    # not growth per request. Before this, a worker that happened to meet its first sorts late showed that one-time
    # rise as a trend (2026-12-07: +32 MB for one worker of three, the other two flat).
    for n in range(3 * WORKERS):
        at = min(WARM - 1, (n + 1) * WARM // (3 * WORKERS + 1))
        if at < len(paths):
            paths[at] = f"/catalog/?{urlencode({'sort': rnd.choice(('price', 'price_desc')), 'page': n + 1})}"
    return paths


class Load:
    """Send paths over CONNECTIONS keep-alive connections (each reconnects every 50 requests so the load spreads
    over the workers); counts statuses."""

    def __init__(self, base, cookie):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.headers = {"Cookie": cookie}
        self.lock = threading.Lock()
        self.statuses = {}
        self.local = threading.local()

    def _one(self, path):
        conn = getattr(self.local, "conn", None)
        used = getattr(self.local, "used", 0)
        if conn is None or used >= 50:
            if conn is not None:
                conn.close()
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            used = 0
        self.local.used = used + 1
        try:
            conn.request("GET", path, headers=self.headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            self.local.conn = None
            status = "error"
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def run(self, paths):
        with ThreadPoolExecutor(CONNECTIONS) as pool:
            list(pool.map(self._one, paths))


def main():
    setup_database()
    django()
    from django.db.models import Count
    from django.test import Client
    from seed import seed_catalog

    from catalog.models import Category

    dealer, user, seeded = seed_catalog(n_products=PRODUCTS)
    categories = [(c.slug, c.n) for c in Category.objects.filter(slug__startswith="bench-").annotate(
        n=Count("products"))]
    # A parent's page count is its descendants' (5 leaves x 4 groups): approximate from the leaves' sizes.
    leaf = max((n for _, n in categories), default=24)
    categories = [(slug, n or leaf * (5 if slug.count("-") == 2 else 20)) for slug, n in categories]
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    paths = request_paths(REQUESTS, categories=categories, products=PRODUCTS)
    marks = sorted({WARM, SETTLED, REQUESTS, *range(1000, REQUESTS, 1000)} & set(range(1, REQUESTS + 1)))
    rss = {}
    started = time.perf_counter()
    with gunicorn(WORKERS, asgi=True) as base:
        port = urlsplit(base).port
        load = Load(base, cookie)
        pids = gunicorn_workers(port, wait_for=WORKERS)
        time.sleep(3)  # each worker imports the application after it is forked
        rss[0] = [rss_mb(pid) for pid in pids]
        done = 0
        for mark in marks:
            load.run(paths[done:mark])
            done = mark
            time.sleep(1)  # let the last responses' garbage go
            now = gunicorn_workers(port)
            if now != pids:
                raise SystemExit(f"a worker was replaced during the run: {pids} -> {now}")
            rss[mark] = [rss_mb(pid) for pid in pids]
    seconds = round(time.perf_counter() - started, 1)

    final = rss[REQUESTS]
    since = SETTLED if SETTLED in rss else WARM
    growth = [round(b - a, 1) for a, b in zip(rss[since], final, strict=True)]
    # One request that prices a whole large set (a price sort) swings a worker by tens of MB for a while, so two
    # single readings differ by chance: the trend (least squares over the readings from `since` on, per worker,
    # over those requests) is what says whether something keeps growing.
    points = [m for m in rss if m >= since]
    trend = [round(_slope(points, [rss[m][i] for m in points]) * (REQUESTS - since), 1) for i in range(len(pids))]
    emit("memory_catalog", {
        "seed": seeded, "products": PRODUCTS, "requests": REQUESTS, "seconds": seconds,
        "statuses": {str(k): v for k, v in sorted(load.statuses.items(), key=str)},
        "server": "gunicorn portal.asgi:application -k uvicorn_worker.UvicornWorker", "workers": WORKERS,
        "connections": CONNECTIONS,
        "rss_mb_start": rss[0], "rss_mb_after_500": rss[WARM],
        **({"rss_mb_after_2000": rss[SETTLED]} if SETTLED in rss else {}),
        f"rss_mb_after_{REQUESTS}": final,
        "rss_mb_by_requests": {str(m): rss[m] for m in marks},
        f"growth_mb_{since}_to_end": growth, f"trend_growth_mb_{since}_to_end": trend,
        "max_rss_mb": max(final), "max_trend_growth_mb": max(trend),
        "goal_rss_mb": GOAL_RSS_MB, "goal_trend_growth_mb": GOAL_GROWTH_MB,
        "meets_goal": max(max(r) for r in rss.values()) < GOAL_RSS_MB and max(trend) < GOAL_GROWTH_MB,
    })


def _slope(xs, ys):
    if len(xs) < 2:
        return 0.0
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


if __name__ == "__main__":
    main()
