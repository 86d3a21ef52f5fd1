"""The support desk's queue page (`/support/desk/`) with 100,000 tickets in the database, under concurrent load with
the production server (gunicorn), signed in as a support agent: the "open" queue (every open ticket, the page an agent
keeps open all day) and the "unassigned" queue, as requests per second, latency percentiles and the ratio to the
bare view measured in the same run.

The tickets belong to 500 dealers of the four tiers, opened over the last year; about a third are still open (new,
open, waiting on the dealer), a quarter of those unassigned, with first-response and resolution due times (some
breached), the rest resolved or closed. Seeded with bulk_create (idempotent: a second run reuses them).
`BENCH_SUPPORT_TICKETS=10000 make bench BENCH=support` for a short run."""
import os
import random
import time
from datetime import timedelta

from harness import django, emit, gunicorn, setup_database, wrk

TICKETS = int(os.environ.get("BENCH_SUPPORT_TICKETS", "100000"))
DEALERS = 500
BATCH = 5000


def seed(n_tickets):
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from dealers.models import Dealer, User
    from support.models import Team, Ticket

    started = time.perf_counter()
    agent = User.objects.filter(email="bench-support@example.com").first()
    if agent is None:
        agent = User.objects.create_user("bench-support@example.com", "bench-pass-2026", is_staff=True,
                                         first_name="Deniz", last_name="Destek")
    group, _ = Group.objects.get_or_create(name="Support agents")
    agent.groups.add(group)
    team, _ = Team.objects.get_or_create(name="Bench team")
    team.members.add(agent)
    existing = Ticket.objects.filter(number__startswith="TCK-BENCH-").count()
    if existing >= n_tickets:
        return agent, {"seeded": 0, "seconds": 0}
    tiers = ["standard", "silver", "gold", "key_account"]
    dealers = list(Dealer.objects.filter(tax_number__startswith="88").order_by("pk")[:DEALERS])
    for i in range(len(dealers), DEALERS):
        dealers.append(Dealer.objects.create(
            tax_number=f"88{i:08d}", legal_name=f"Destek Bayi {i} Ltd. Şti.", tax_office="Merkez",
            sector="electrical", employees="10-49", annual_revenue="5-25m", phone="1",
            email=f"destek{i}@example.com", address_line="x", city="İstanbul", status=Dealer.Status.APPROVED,
            code=f"DS{i:04d}", tier=tiers[i % 4]))
    rng = random.Random(15)
    now = timezone.now()
    statuses = ["new", "open", "waiting_on_dealer", "resolved", "closed", "closed"]
    categories = ["order", "delivery", "invoice", "product", "return", "account", "other"]
    priorities = ["low", "normal", "normal", "high", "urgent"]
    for start in range(existing, n_tickets, BATCH):
        rows = []
        for i in range(start, min(start + BATCH, n_tickets)):
            opened = now - timedelta(minutes=rng.randint(5, 365 * 24 * 60))
            status = statuses[i % len(statuses)]
            done = status in ("resolved", "closed")
            responded = opened + timedelta(hours=rng.randint(1, 30)) if done or rng.random() < 0.5 else None
            rows.append(Ticket(
                number=f"TCK-BENCH-{i:07d}", dealer=dealers[i % len(dealers)], subject=f"Sipariş {i} hakkında soru",
                category=categories[i % len(categories)], priority=priorities[i % len(priorities)], status=status,
                team=team if i % 3 else None, assignee=None if i % 4 == 0 else agent,
                first_response_due=opened + timedelta(hours=8), resolution_due=opened + timedelta(hours=27),
                first_responded_at=responded, resolved_at=opened + timedelta(hours=rng.randint(2, 60)) if done else None,
                paused_at=now - timedelta(hours=2) if status == "waiting_on_dealer" else None))
        Ticket.objects.bulk_create(rows)
    # auto_now_add set every opening to now: spread them over the year again, in one statement.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE support_ticket SET created_at = first_response_due - interval '8 hours' "
            "WHERE number LIKE 'TCK-BENCH-%%'")
        cursor.execute("ANALYZE")
    return agent, {"seeded": n_tickets - existing, "seconds": round(time.perf_counter() - started, 1)}


def main():
    setup_database()
    django()
    from django.test import Client

    agent, seeded = seed(TICKETS)
    client = Client()
    client.force_login(agent)
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    for queue in ("open", "unassigned"):  # the page answers before load: a wrong setup fails here, not as 0 req/s
        answer = client.get("/support/desk/", {"queue": queue}, HTTP_HOST="127.0.0.1")
        if answer.status_code != 200:
            raise SystemExit(f"/support/desk/?queue={queue} answered {answer.status_code}")
    with gunicorn() as base:
        bare = wrk(f"{base}/bench/bare/")
        open_queue = wrk(f"{base}/support/desk/?queue=open", headers=cookie)
        unassigned = wrk(f"{base}/support/desk/?queue=unassigned", headers=cookie)
    for figures in (open_queue, unassigned):
        figures["ratio_to_bare"] = round(figures["requests_per_s"] / bare["requests_per_s"], 3)
    emit(f"support_desk_queue_{TICKETS // 1000}k", {"tickets": TICKETS, "seed": seeded, "bare_view": bare,
                                     "desk_open_queue": open_queue, "desk_unassigned_queue": unassigned,
                                     "goal_ratio": 0.05,
                                     "meets_goal": min(open_queue["ratio_to_bare"], unassigned["ratio_to_bare"]) >= 0.05})


if __name__ == "__main__":
    main()
