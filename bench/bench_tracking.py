"""Tracking ingestion: 10,000 signed carrier webhook calls through the production server (gunicorn), 10 % of them
retries of a call already sent (duplicates) and 5 % sent after a later event of the same parcel (out of order).
Events per second, and as a ratio of the bare view; then a real Celery worker applies them and the bench checks that
every shipment ended where its last event says (delivered, out for delivery, returned), that every duplicate was
stored once and that nothing was left unmatched.

Each shipment is one line of an order (partial shipments: an order of six lines ships in six parcels) and gets the
events of one of four stories: delivered; delivered after a failed attempt; still out for delivery; returned to
sender. `BENCH_TRACKING_EVENTS=1000 make bench BENCH=tracking` for a short run."""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

# Its own broker database: the calls' apply tasks wait there until the bench's worker takes them; nobody else's
# worker (make run's) ever sees them.
BROKER = os.environ.setdefault("BENCH_TRACKING_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ["CELERY_BROKER_URL"] = BROKER

from harness import ENV, PY, ROOT, django, emit, gunicorn, setup_database, wrk  # noqa: E402

EVENTS = int(os.environ.get("BENCH_TRACKING_EVENTS", "10000"))
DUPLICATES = 0.10
OUT_OF_ORDER = 0.05
LINES_PER_ORDER = 6
CONNECTIONS, THREADS = 32, 2
# A story: the statuses a parcel's events say, oldest first, and where its shipment must end.
STORIES = [
    (("pre_transit", "in_transit", "in_transit", "out_for_delivery", "delivered"), "delivered"),
    (("in_transit", "out_for_delivery", "delivery_failed", "in_transit", "out_for_delivery", "delivered"),
     "delivered"),
    (("pre_transit", "in_transit", "in_transit", "out_for_delivery"), "out_for_delivery"),
    (("in_transit", "out_for_delivery", "delivery_failed", "return_to_sender"), "returned"),
]
WEIGHTS = [7, 1, 1, 1]


def stories_for(unique_events, rng):
    """Stories, one per shipment, until they hold `unique_events` events."""
    chosen, total = [], 0
    while total < unique_events:
        story = rng.choices(STORIES, WEIGHTS)[0]
        chosen.append(story)
        total += len(story[0])
    return chosen


def seed(shipment_count, run):
    from catalog.models import Category, Product
    from dealers.models import Address, Dealer, Role, User
    from orders.services import ordering, set_status
    from portal.actors import Actor
    from pricing.models import PriceList, PriceListItem
    from shipping.models import Carrier
    from shipping.services import create_shipment, new_webhook_secret

    category, _ = Category.objects.get_or_create(slug="bench-tracking", defaults={"name": "Tracking bench"})
    market, _ = PriceList.objects.get_or_create(erp_code="BENCH-TRACKING", defaults={"name": "Tracking bench",
                                                                                     "kind": "market"})
    products = []
    for i in range(LINES_PER_ORDER):
        product, _ = Product.objects.get_or_create(sku=f"TR-{i:03d}", defaults={
            "name": f"Tracking {i}", "category": category, "allow_backorder": True})
        PriceListItem.objects.get_or_create(price_list=market, product=product, min_quantity=1,
                                            defaults={"unit_price": 10 + i})
        products.append(product)
    dealer, _ = Dealer.objects.get_or_create(tax_number="6600000001", defaults=dict(
        legal_name="Takip Bayi A.Ş.", tax_office="Merkez", sector="electrical", employees="10-49",
        annual_revenue="5-25m", phone="1", email="tracking@example.com", address_line="x", city="Ankara",
        status=Dealer.Status.APPROVED, code="TRCK01"))
    for kind in (Address.Kind.SHIPPING, Address.Kind.BILLING):
        Address.objects.get_or_create(dealer=dealer, kind=kind, is_default=True,
                                      defaults={"label": "Depo", "line1": "Sanayi 1", "city": "Ankara"})
    owner = User.objects.filter(email="tracking@example.com").first() or User.objects.create_user(
        "tracking@example.com", "bench-pass-2026", dealer=dealer, role=Role.OWNER)
    staff = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-admin@example.com", "bench-pass-2026")
    carrier, _ = Carrier.objects.get_or_create(code="bench-kargo", defaults={
        "name": "Bench Kargo", "tracking_url_template": "https://kargo.example/{code}"})
    Carrier.objects.filter(pk=carrier.pk).update(webhook_secret=new_webhook_secret(), active=True)
    carrier.refresh_from_db()
    shipments = []
    actor = Actor(user=owner, dealer=dealer)
    while len(shipments) < shipment_count:
        order = ordering.place_order(actor=actor, lines=[(p, 1) for p in products], checkout=ordering.Checkout())
        order = set_status(actor=staff, order=order, status="confirmed")
        for line in order.lines.all():
            if len(shipments) == shipment_count:
                break
            code = f"BT{run}-{len(shipments):06d}"
            shipments.append(create_shipment(actor=staff, order=order, lines={line.pk: line.quantity},
                                             parcels=[(code, "1.5")], carrier=carrier))
    return carrier, shipments


def calls(carrier, shipments, stories, run, rng):
    """The webhook calls in the order they are sent: the parcels' events interleaved in time, then 5 % of them moved
    after a later event of their parcel, then 10 % more that repeat a call already made (a carrier's retry)."""
    from django.utils import timezone

    start = timezone.now() - timedelta(days=1)
    per_parcel = []
    for n, (shipment, (statuses, _end)) in enumerate(zip(shipments, stories, strict=True)):
        code = shipment.parcels.get().tracking_code
        per_parcel.append([{"event_id": f"{run}-{n}-{k}", "tracking_code": code, "status": status,
                            "occurred_at": (start + timedelta(minutes=30 * k, seconds=n)).isoformat(),
                            "location": "Gebze aktarma", "raw_code": status.upper()}
                           for k, status in enumerate(statuses)])
    ordered = []
    for k in range(max(len(events) for events in per_parcel)):  # every parcel's first event, then every second...
        ordered += [events[k] for events in per_parcel if k < len(events)]
    last = {id(events[-1]) for events in per_parcel}  # a parcel's last event has no later one to come after
    movable = [i for i, event in enumerate(ordered) if id(event) not in last]
    late = set(rng.sample(movable, int(len(ordered) * OUT_OF_ORDER)))
    on_time = [event for i, event in enumerate(ordered) if i not in late]
    for i in sorted(late):  # sent well after the parcel's next events
        on_time.insert(min(len(on_time), i + rng.randint(len(per_parcel), 3 * len(per_parcel))), ordered[i])
    sent = list(on_time)
    for _ in range(EVENTS - len(sent)):  # retries of calls made before
        at = rng.randint(1, len(sent))
        sent.insert(at, sent[rng.randrange(at)])
    return sent, len(late)


def write_calls(path, carrier, events):
    """One line per call: timestamp, signature, body. The timestamp is four minutes ahead, so that every call stays
    within the five-minute replay window for nine minutes, however long sending them takes here."""
    from shipping.services import sign

    timestamp = str(int(time.time()) + 240)
    with open(path, "w") as out:
        for event in events:
            body = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
            out.write(f"{timestamp}\t{sign(secret=carrier.webhook_secret, timestamp=timestamp, body=body.encode())}"
                      f"\t{body}\n")


def send(base, path, carrier, events):
    """Send every call once with wrk; returns the figures and the seconds it took."""
    exe = shutil.which("wrk")
    if not exe:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does it)")
    work = Path(tempfile.mkdtemp(prefix="bench-tracking-"))
    done = work / "done"
    done.mkdir()
    write_calls(work / "calls.tsv", carrier, events)
    env = {**os.environ, "WRK_EVENTS_FILE": str(work / "calls.tsv"), "WRK_PATH": path, "WRK_DONE_DIR": str(done),
           "WRK_THREADS": str(THREADS)}
    started = time.perf_counter()
    proc = subprocess.Popen([exe, f"-t{THREADS}", f"-c{CONNECTIONS}", "-d600s", "-s",
                             str(Path(__file__).with_name("tracking.lua")), base + path],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    while len(list(done.iterdir())) < THREADS and proc.poll() is None and time.perf_counter() - started < 590:
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    proc.send_signal(signal.SIGINT)
    out = proc.communicate(timeout=30)[0]
    answered = received = duplicates = refused = 0
    for file in done.iterdir():
        a, r, d, x = (int(v) for v in file.read_text().split())
        answered, received, duplicates, refused = answered + a, received + r, duplicates + d, refused + x
    shutil.rmtree(work)
    figures = {"calls": len(events), "answered": answered, "stored": received, "duplicates_acknowledged": duplicates,
               "refused": refused, "seconds": round(seconds, 2), "events_per_s": round(answered / seconds, 1)}
    for pct in ("50", "90", "95", "99"):
        line = next((row for row in out.splitlines() if row.startswith(f"P{pct} ")), None)
        figures[f"p{pct}_ms"] = round(int(line.split()[1]) / 1000, 3) if line else None
    return figures


def resend_lost(base, path, carrier, events, stored_ids) -> int:
    """Send once more, one by one, the calls wrk dropped (a request written as the server closed its connection:
    never answered, so never counted above); a carrier retries them the same way. Returns how many."""
    import urllib.request

    from shipping.services import sign

    lost, seen = [], set()
    for event in events:
        if event["event_id"] not in stored_ids and event["event_id"] not in seen:
            seen.add(event["event_id"])
            lost.append(event)
    for event in lost:
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(base + path, data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Timestamp": timestamp,
            "X-Signature": sign(secret=carrier.webhook_secret, timestamp=timestamp, body=body)})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 202, answer.status
    return len(lost)


def apply_with_worker(event_ids):
    """Start a real Celery worker on the bench's broker and database; the seconds until every event is applied."""
    from shipping.models import EventState, TrackingEvent

    env = {**ENV, "CELERY_BROKER_URL": BROKER, "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    log = tempfile.NamedTemporaryFile(prefix="bench-tracking-worker-", suffix=".log", delete=False)
    worker = subprocess.Popen([PY, "-m", "celery", "-A", "portal", "worker", "--concurrency", "2", "--loglevel",
                               "WARNING", "--without-gossip", "--without-mingle", "--hostname", "bench-tracking@%h"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    started = time.perf_counter()
    pending = TrackingEvent.objects.filter(pk__in=event_ids, state=EventState.RECEIVED)
    try:
        while pending.exists() and time.perf_counter() - started < 900:
            if worker.poll() is not None:
                raise SystemExit(f"the worker exited: {Path(log.name).read_text()[-3000:]}")
            time.sleep(0.5)
        return time.perf_counter() - started
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
        os.unlink(log.name)


def purge_broker():
    import redis

    redis.Redis.from_url(BROKER).flushdb()


def main():
    setup_database()
    django()
    from django.db.models import Count

    from shipping.models import EventState, Shipment, ShipmentNotice, TrackingEvent
    from shipping.services.tracking import webhook_path, webhook_source

    purge_broker()
    rng = random.Random(14)
    run = time.strftime("%m%d%H%M%S")
    unique = EVENTS - int(EVENTS * DUPLICATES)
    stories = stories_for(unique, rng)
    seeding = time.perf_counter()
    carrier, shipments = seed(len(stories), run)
    seeding = round(time.perf_counter() - seeding, 1)
    events, late = calls(carrier, shipments, stories, run, rng)
    unique = len({event["event_id"] for event in events})
    source = TrackingEvent.objects.filter(source=webhook_source(carrier), event_id__startswith=f"{run}-")
    with gunicorn() as base:
        bare = wrk(f"{base}/bench/bare/")
        ingest = send(base, webhook_path(carrier), carrier, events)
        ingest["lost_by_wrk_and_resent"] = resend_lost(base, webhook_path(carrier), carrier, events,
                                                       set(source.values_list("event_id", flat=True)))
    ingest["ratio_to_bare"] = round(ingest["events_per_s"] / bare["requests_per_s"], 3) if bare["requests_per_s"] \
        else None
    stored = source.count()
    ids = list(source.values_list("pk", flat=True))
    applying = apply_with_worker(ids)
    purge_broker()
    expected = {shipment.pk: end for shipment, (_statuses, end) in zip(shipments, stories, strict=True)}
    final = dict(Shipment.objects.filter(pk__in=expected).values_list("pk", "status"))
    wrong = {pk: (final[pk], end) for pk, end in expected.items() if final[pk] != end}
    states = dict(source.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    notices = ShipmentNotice.objects.filter(shipment__in=expected).count()
    checks = {
        "no_call_refused": ingest["refused"] == 0,
        "each_event_stored_once": stored == unique == ingest["stored"] + ingest["lost_by_wrk_and_resent"],
        "every_duplicate_acknowledged_not_stored": (
            ingest["stored"] + ingest["duplicates_acknowledged"] == ingest["answered"]
            and ingest["duplicates_acknowledged"] >= len(events) - unique - (len(events) - ingest["answered"])),
        "final_states_all_correct": not wrong,
        "nothing_unmatched_or_left": not states.get(EventState.UNMATCHED) and not states.get(EventState.RECEIVED),
    }
    emit("tracking_ingestion", {
        "events": len(events), "unique_events": unique, "duplicates_sent": len(events) - unique,
        "out_of_order_sent": late, "shipments": len(shipments), "seed_seconds": seeding,
        "bare_view": bare, "webhook": ingest,
        "apply": {"worker_concurrency": 2, "seconds": round(applying, 1),
                  "events_per_s": round(stored / applying, 1) if applying else None, "states": states,
                  "dealer_notices": notices},
        "final_states": dict(sorted({end: list(expected.values()).count(end) for end in set(expected.values())}
                                    .items())),
        "wrong_final_states": dict(list(wrong.items())[:10]), "checks": checks, "all_correct": all(checks.values()),
    })
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
