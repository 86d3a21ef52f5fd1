"""Baseline: a bare Django view and a one-primary-key-query view under concurrent load, served by gunicorn."""
from harness import django, emit, gunicorn, setup_database, wrk


def main():
    setup_database()
    django()
    from dealers.models import Dealer

    dealer, _ = Dealer.objects.get_or_create(legal_name="Bench Dealer A.Ş.")
    with gunicorn() as base:
        bare = wrk(f"{base}/bench/bare/")
        pk = wrk(f"{base}/bench/pk/{dealer.pk}/")
    pk["ratio_to_bare"] = round(pk["requests_per_s"] / bare["requests_per_s"], 3)
    emit("baseline", {"bare_view": bare, "one_query_view": pk})


if __name__ == "__main__":
    main()
