"""Catalog list page for a dealer with 100,000 products in the database, under concurrent load with the
production server: median and p95 latency and throughput, and the ratio to the bare-view baseline.

`catalog_list` is the first page a dealer opens (after the first visit it comes from the results cache, as in
production when users come back to it); `catalog_list_uncached` asks for a random one of the first 20 pages with a random extra parameter each time, so every
request misses the cache and runs the query, the price engine and the templates."""
from harness import django, emit, gunicorn, setup_database, wrk


def main():
    setup_database()
    django()
    from django.test import Client
    from seed import seed_catalog

    dealer, user, seeded = seed_catalog(n_products=100_000)
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with gunicorn() as base:
        bare = wrk(f"{base}/bench/bare/")
        listing = wrk(f"{base}/catalog/", headers={"Cookie": cookie})
        search = wrk(f"{base}/catalog/?q=celik+isik+42", headers={"Cookie": cookie})
        uncached = wrk(f"{base}/catalog/", headers={"Cookie": cookie}, script="pages.lua",
                       env={"WRK_PATH": "/catalog/", "WRK_PAGES": "20"})
    for figures in (listing, search, uncached):
        figures["ratio_to_bare"] = round(figures["requests_per_s"] / bare["requests_per_s"], 3)
    emit("catalog_list_100k", {"seed": seeded, "bare_view": bare, "catalog_list": listing, "catalog_search": search,
                               "catalog_list_uncached": uncached,
                               "goal_ratio": 0.10, "meets_goal": listing["ratio_to_bare"] >= 0.10})


if __name__ == "__main__":
    main()
