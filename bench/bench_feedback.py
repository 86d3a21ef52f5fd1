"""The "voice of the dealer" dashboard (`/feedback/dashboard/`) over 100,000 NPS answers, under concurrent load with
the production server (gunicorn), signed in as a manager (staff holding `feedback.view_npsresponse`): the default
page (the last 12 months, every tier) and a filtered one (the last 3 months of the gold tier), as requests per
second, latency percentiles and the ratio to the bare view measured in the same run.

The answers belong to 1,000 dealers of the four tiers in twenty cities, sent over the last 13 months by ten sales
agents (and none) about eight product families, each answer with its invitation and its snapshots; a quarter more
invitations stay unanswered; one detractor in five has a follow-up (open, contacted, resolved, some with a ticket);
5,000 reviews of the families' products and 2,000 support satisfaction ratings. Seeded with bulk_create
(idempotent: a second run reuses them). `BENCH_NPS_RESPONSES=10000 make bench BENCH=feedback` for a short run."""
import os
import random
import time
from datetime import timedelta

from harness import django, emit, gunicorn, setup_database, wrk

RESPONSES = int(os.environ.get("BENCH_NPS_RESPONSES", "100000"))
DEALERS = 1000
AGENTS = 10
FAMILIES = 8
REVIEWS = 5000
RATINGS = 2000
BATCH = 5000
DAYS = 395  # 13 months
CITIES = ["İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Konya", "Adana", "Gaziantep", "Kayseri", "Mersin",
          "Eskişehir", "Samsun", "Trabzon", "Denizli", "Sakarya", "Malatya", "Diyarbakır", "Erzurum", "Van", ""]
TIERS = ["standard", "silver", "gold", "key_account"]


def _manager():
    from django.contrib.auth.models import Permission

    from dealers.models import User

    user = User.objects.filter(email="bench-feedback@example.com").first()
    if user is None:
        user = User.objects.create_user("bench-feedback@example.com", "bench-pass-2026", is_staff=True,
                                        first_name="Melis", last_name="Müdür")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="feedback", codename="view_npsresponse"))
    return user


def _world():
    """Dealers, sales agents, product families and their products (get or create)."""
    from django.contrib.auth.models import Group

    from catalog.models import Category, Product
    from dealers.models import SALES_AGENTS_GROUP, Dealer, User

    group, _ = Group.objects.get_or_create(name=SALES_AGENTS_GROUP)
    agents = []
    for i in range(AGENTS):
        agent = User.objects.filter(email=f"bench-nps-agent{i}@example.com").first()
        if agent is None:
            agent = User.objects.create_user(f"bench-nps-agent{i}@example.com", "bench-pass-2026", is_staff=True,
                                             first_name=f"Temsilci {i}", last_name="Satış")
            agent.groups.add(group)
        agents.append(agent)
    families, products = [], []
    for f in range(FAMILIES):
        family, _ = Category.objects.get_or_create(slug=f"bench-nps-{f}", defaults={"name": f"Ürün ailesi {f}"})
        child, _ = Category.objects.get_or_create(slug=f"bench-nps-{f}-0", defaults={
            "name": f"Alt aile {f}", "parent": family})
        families.append(family)
        for p in range(25):
            product, _ = Product.objects.get_or_create(sku=f"BN-NPS-{f}-{p:02d}", defaults={
                "name": f"NPS ürünü {f}.{p}", "category": child if p % 2 else family})
            products.append(product)
    dealers = list(Dealer.objects.filter(tax_number__startswith="77").order_by("pk")[:DEALERS])
    new = [Dealer(tax_number=f"77{i:08d}", legal_name=f"Anket Bayi {i} Ltd. Şti.", tax_office="Merkez",
                  sector="electrical", employees="10-49", annual_revenue="5-25m", phone="1",
                  email=f"anket{i}@example.com", address_line="x", city=CITIES[i % len(CITIES)] or "Kars",
                  status=Dealer.Status.APPROVED, code=f"NP{i:04d}", tier=TIERS[i % 4])
           for i in range(len(dealers), DEALERS)]
    dealers += Dealer.objects.bulk_create(new)
    return dealers, agents, families, products


def seed(n_responses):
    from django.db import connection
    from django.utils import timezone

    from feedback.models import DetractorLoop, LoopStatus, NpsInvitation, NpsResponse, Review
    from feedback.services.nps import kind_of
    from support.models import Satisfaction, Ticket

    started = time.perf_counter()
    manager = _manager()
    dealers, agents, families, products = _world()
    bench_dealers = {"dealer__tax_number__startswith": "77"}
    existing = NpsResponse.objects.filter(**bench_dealers).count()
    rng = random.Random(18 + existing)
    now = timezone.now()
    reasons = ["price", "delivery", "stock", "ordering", "sales_agent", "support", "product_quality"]
    # Scores leaning to promoters, as a portal's answers do: NPS around +20.
    scores = [10, 10, 9, 9, 9, 8, 8, 7, 7, 6, 5, 3, 0]
    for start in range(existing, n_responses, BATCH):
        invitations, answers = [], []
        for i in range(start, min(start + BATCH, n_responses)):
            dealer = dealers[rng.randrange(len(dealers))]
            sent = now - timedelta(minutes=rng.randint(60 * 24 * 2, DAYS * 24 * 60))
            invitations.append(NpsInvitation(
                dealer=dealer, sent_at=sent, expires_at=sent + timedelta(days=14), delivered_at=sent - timedelta(7),
                opened_at=sent + timedelta(hours=5), language="tr", tier=dealer.tier, city=CITIES[i % len(CITIES)],
                sales_agent=agents[dealer.pk % (AGENTS + 1)] if dealer.pk % (AGENTS + 1) < AGENTS else None,
                product_family=families[i % FAMILIES] if i % 17 else None))
        NpsInvitation.objects.bulk_create(invitations)
        for invitation in invitations:
            score = rng.choice(scores)
            answers.append(NpsResponse(
                invitation=invitation, dealer=invitation.dealer, score=score, kind=kind_of(score),
                comment="Teslimat gecikti" if score < 7 and rng.random() < 0.5 else "",
                reasons=rng.sample(reasons, rng.randint(0, 2)),
                responded_at=min(now, invitation.sent_at + timedelta(hours=rng.randint(1, 72)))))
        answers = NpsResponse.objects.bulk_create(answers)
        loops = [DetractorLoop(response=a, status=[LoopStatus.OPEN, LoopStatus.CONTACTED, LoopStatus.RESOLVED][k % 3],
                               owner=a.invitation.sales_agent, note="Arandı" if k % 3 else "")
                 for k, a in enumerate(a for a in answers if a.kind == "detractor" and a.pk % 5 == 0)]
        DetractorLoop.objects.bulk_create(loops)
    unanswered = NpsInvitation.objects.filter(response__isnull=True, **bench_dealers).count()
    for start in range(unanswered, n_responses // 4, BATCH):
        rows = []
        for _i in range(start, min(start + BATCH, n_responses // 4)):
            dealer = dealers[rng.randrange(len(dealers))]
            sent = now - timedelta(minutes=rng.randint(60, DAYS * 24 * 60))
            rows.append(NpsInvitation(dealer=dealer, sent_at=sent, expires_at=sent + timedelta(days=14),
                                      language="tr", tier=dealer.tier, city=dealer.city,
                                      product_family=families[rng.randrange(FAMILIES)]))
        NpsInvitation.objects.bulk_create(rows)
    reviews = Review.objects.filter(product__sku__startswith="BN-NPS-").count()
    if reviews < REVIEWS:
        rows = []
        for i in range(reviews, REVIEWS):
            dealer = dealers[i % len(dealers)]
            status = ["published", "published", "published", "pending", "rejected"][i % 5]
            submitted = now - timedelta(minutes=rng.randint(60, DAYS * 24 * 60))
            rows.append(Review(product=products[i % len(products)], dealer=dealer, stars=rng.randint(1, 5),
                               title=f"Değerlendirme {i}", body="Işık düzgün, paketleme iyi.", language="tr",
                               city=dealer.city, tier=dealer.tier, status=status, submitted_at=submitted,
                               published_at=submitted + timedelta(days=1) if status == "published" else None))
        Review.objects.bulk_create(rows)
    ratings = Satisfaction.objects.filter(ticket__number__startswith="TCK-NPS-").count()
    if ratings < RATINGS:
        tickets = Ticket.objects.bulk_create([Ticket(
            number=f"TCK-NPS-{i:06d}", dealer=dealers[i % len(dealers)], subject=f"Soru {i}", status="closed")
            for i in range(ratings, RATINGS)])
        Satisfaction.objects.bulk_create([Satisfaction(ticket=t, rating=rng.randint(1, 5)) for t in tickets])
    # auto_now_add set every follow-up's and rating's date to now: spread them again, in one statement each.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {DetractorLoop._meta.db_table} l SET created_at = r.responded_at + interval '1 hour' "
            f"FROM {NpsResponse._meta.db_table} r WHERE r.id = l.response_id AND l.created_at > r.responded_at "
            "+ interval '2 hours'")
        cursor.execute(
            f"UPDATE {Satisfaction._meta.db_table} s SET rated_at = now() - (s.id % {DAYS}) * interval '1 day' "
            f"FROM {Ticket._meta.db_table} t WHERE t.id = s.ticket_id AND t.number LIKE 'TCK-NPS-%%' "
            "AND s.rated_at > now() - interval '1 hour'")
        cursor.execute("ANALYZE")
    return manager, {"seeded": max(0, n_responses - existing), "seconds": round(time.perf_counter() - started, 1)}


def main():
    setup_database()
    django()
    from django.test import Client
    from django.utils import timezone

    manager, seeded = seed(RESPONSES)
    client = Client()
    client.force_login(manager)
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    month = timezone.localdate().replace(day=1)
    start = (month - timedelta(days=62)).replace(day=1)
    filtered = f"/feedback/dashboard/?from={start:%Y-%m}&until={month:%Y-%m}&tier=gold"
    for url in ("/feedback/dashboard/", filtered):  # the page answers before load: a wrong setup fails here
        answer = client.get(url, HTTP_HOST="127.0.0.1")
        if answer.status_code != 200:
            raise SystemExit(f"{url} answered {answer.status_code}")
    with gunicorn() as base:
        bare = wrk(f"{base}/bench/bare/")
        default = wrk(f"{base}/feedback/dashboard/", headers=cookie)
        narrow = wrk(f"{base}{filtered}", headers=cookie)
    for figures in (default, narrow):
        figures["ratio_to_bare"] = round(figures["requests_per_s"] / bare["requests_per_s"], 3)
    emit(f"feedback_dashboard_{RESPONSES // 1000}k", {
        "responses": RESPONSES, "seed": seeded, "bare_view": bare, "dashboard_12_months": default,
        "dashboard_3_months_gold": narrow, "goal_ratio": 0.05,
        "meets_goal": min(default["ratio_to_bare"], narrow["ratio_to_bare"]) >= 0.05})


if __name__ == "__main__":
    main()
