"""Catalog list page for a dealer with 100,000 products in the database, under concurrent load with the
production server: median and p95-ish latency and throughput, and the ratio to the bare-view baseline."""
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
    for figures in (listing, search):
        figures["ratio_to_bare"] = round(figures["requests_per_s"] / bare["requests_per_s"], 3)
    emit("catalog_list_100k", {"seed": seeded, "bare_view": bare, "catalog_list": listing, "catalog_search": search,
                               "goal_ratio": 0.10, "meets_goal": listing["ratio_to_bare"] >= 0.10})


if __name__ == "__main__":
    main()
