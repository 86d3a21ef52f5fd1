"""The live chat (issue 16) with 50 chats open at once, through the production server as the Procfile runs it
(gunicorn, the ASGI application under uvicorn workers, the channel layer in Redis): how long a message takes from
one side's socket to the other's, dealer → agent and agent → dealer, as p50 / p95 / max in ms, and messages per
second. The goal: p95 under a second ("messages arrive within a second").

50 dealer users (one approved dealer each) have a chat open and one support agent on duty answers all of them, with
one socket per chat as the desk's chat page opens it; each side is signed in by its session cookie. A round: every
dealer sends a message at the same moment (a burst of 50, the worst case of 50 people typing), the bench waits until
each has reached the agent's socket of its chat; then the agent answers in every chat at once, the same way. One
round of each is a warm-up, not counted. Also reported: the echo (the sender's own socket gets its stored message
back: the server's time to write it). The chats, dealers and agent are kept for the next run (idempotent seed).
`BENCH_CHAT_ROUNDS=5 make bench BENCH=chat` for a shorter run."""
import asyncio
import datetime as dt
import os
import secrets
import statistics
import sys
import time

# Its own broker database: every dealer message mails the desk (an outbox row and a task); nobody's worker takes
# them, and the bench empties it afterwards.
BROKER = os.environ.setdefault("BENCH_CHAT_BROKER_URL", "redis://127.0.0.1:6379/13")
os.environ["CELERY_BROKER_URL"] = BROKER

from harness import default_workers, django, emit, gunicorn, setup_database  # noqa: E402

CHATS = 50
ROUNDS = int(os.environ.get("BENCH_CHAT_ROUNDS", "20"))
GOAL_P95_MS = 1000
WAIT = 30.0  # seconds a message may take before it counts as lost


def seed():
    """50 dealer users with a chat each (an open one is reused), one agent on duty, the desk open round the clock.
    Returns (agent, [(user, chat number)], seconds)."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from dealers.models import Dealer, User
    from portal.actors import Actor
    from support.models import AgentPresence, ChatSession, ChatStatus, Holiday, WorkingHours
    from support.permissions import SUPPORT_AGENTS_GROUP
    from support.services import chat

    started = time.perf_counter()
    agent = User.objects.filter(email="bench-chat-agent@example.com").first() or User.objects.create_user(
        "bench-chat-agent@example.com", "bench-pass-2026", is_staff=True, first_name="Selin", last_name="Sohbet")
    agent.groups.add(Group.objects.get_or_create(name=SUPPORT_AGENTS_GROUP)[0])
    # Open round the clock, every day, no holidays (as support.testing.open_for_chat), the agent on duty and seen now.
    WorkingHours.objects.all().delete()
    for day in range(7):
        WorkingHours.objects.create(weekday=day, opens=dt.time(0), closes=dt.time(23, 59, 59, 999999))
    Holiday.objects.all().delete()
    AgentPresence.objects.update_or_create(user=agent, defaults={"on_duty": True, "last_seen_at": timezone.now()})
    chats, started_now = [], 0
    for i in range(CHATS):
        user = User.objects.filter(email=f"bench-chat-{i}@example.com").first()
        if user is None:
            dealer = Dealer.objects.filter(tax_number=f"55{i:08d}").first() or Dealer.objects.create(
                tax_number=f"55{i:08d}", legal_name=f"Sohbet Bayi {i} Ltd. Şti.", tax_office="Merkez",
                sector="electrical", employees="10-49", annual_revenue="5-25m", phone="1",
                email=f"sohbet{i}@example.com", address_line="x", city="Bursa", status=Dealer.Status.APPROVED,
                code=f"CH{i:04d}")
            user = User.objects.create_user(f"bench-chat-{i}@example.com", "bench-pass-2026", dealer=dealer,
                                            role="owner", first_name="Emre", last_name=f"Sohbet {i}")
        session = (ChatSession.objects.filter(user=user).exclude(status=ChatStatus.ENDED).select_related("ticket")
                   .order_by("-pk").first())
        if session is None:
            session = chat.start_chat(actor=Actor(user=user, dealer=user.dealer),
                                      body="Merhaba, siparişim hakkında bir sorum var.", language="tr")
            started_now += 1
        chats.append((user, session.ticket.number))
    return agent, chats, {"chats_started": started_now, "seconds": round(time.perf_counter() - started, 1)}


def session_cookie(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def summary(latencies, sent):
    ms = sorted(x * 1000 for x in latencies)
    if not ms:
        return {"messages": sent, "delivered": 0, "lost": sent}
    return {"messages": sent, "delivered": len(ms), "lost": sent - len(ms),
            "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 1), "max_ms": round(ms[-1], 1)}


class Side:
    """One socket: reads every frame and notes when a message frame it waits for arrives."""

    def __init__(self, ws, role):
        self.ws, self.role = ws, role
        self.errors = []

    async def read(self, arrived, changed):
        import json

        async for raw in self.ws:
            at = time.perf_counter()
            frame = json.loads(raw)
            if frame.get("type") == "message" and frame.get("client_id"):
                arrived.setdefault((frame["client_id"], self.role), at)
                changed.set()
            elif frame.get("type") == "error":
                self.errors.append(frame.get("error"))


async def chat_rounds(base, agent_cookie, dealers):
    """Open the sockets, run the rounds; returns the figures."""
    from websockets.asyncio.client import connect

    ws_base = base.replace("http://", "ws://")
    arrived = {}  # (client_id, "dealer" | "agent") -> the moment that socket got it
    changed = asyncio.Event()  # set by a reader on every message frame

    async def open_socket(number, cookie, role):
        ws = await connect(f"{ws_base}/ws/support/chat/{number}/", origin=base,
                           additional_headers={"Cookie": f"sessionid={cookie}"}, open_timeout=30, max_queue=None)
        first = await asyncio.wait_for(ws.recv(), 30)
        if '"status"' not in first:
            raise SystemExit(f"chat {number}: the {role}'s socket answered {first!r}")
        return Side(ws, role)

    pairs = await asyncio.gather(*(asyncio.gather(open_socket(number, cookie, "dealer"),
                                                  open_socket(number, agent_cookie, "agent"))
                                   for number, cookie in dealers))
    readers = [asyncio.create_task(side.read(arrived, changed)) for pair in pairs for side in pair]
    run = secrets.token_hex(4)
    figures = {"dealer_to_agent": ([], [], 0), "agent_to_dealer": ([], [], 0)}
    busy = 0.0

    async def burst(rnd, sender, receiver):
        """Every chat's `sender` writes at once; waits until every message reached the `receiver` side (or WAIT)."""
        import json

        sent = {}
        for i, pair in enumerate(pairs):
            side = pair[0] if sender == "dealer" else pair[1]
            client_id = f"bench-{run}-{rnd}-{i}-{sender[0]}"
            body = (f"Siparişim ne zaman gelir? ({rnd}/{i})" if sender == "dealer"
                    else f"Kargoya verildi, yarın elinizde. ({rnd}/{i})")
            sent[client_id] = time.perf_counter()
            await side.ws.send(json.dumps({"type": "message", "body": body, "client_id": client_id}))
        start = min(sent.values())
        deadline = start + WAIT
        while any((cid, receiver) not in arrived for cid in sent) and time.perf_counter() < deadline:
            changed.clear()
            try:
                await asyncio.wait_for(changed.wait(), max(0.001, deadline - time.perf_counter()))
            except TimeoutError:
                break
        done = max((arrived.get((cid, receiver), start) for cid in sent), default=start)
        delivered = [arrived[(cid, receiver)] - at for cid, at in sent.items() if (cid, receiver) in arrived]
        echoes = [arrived[(cid, sender)] - at for cid, at in sent.items() if (cid, sender) in arrived]
        return delivered, echoes, len(sent), done - start

    for rnd in range(ROUNDS + 1):
        for sender, receiver, label in (("dealer", "agent", "dealer_to_agent"), ("agent", "dealer", "agent_to_dealer")):
            delivered, echoes, sent, seconds = await burst(rnd, sender, receiver)
            if rnd == 0:
                continue  # warm-up: the agent takes each chat, every worker's first queries
            lat, echo, count = figures[label]
            figures[label] = (lat + delivered, echo + echoes, count + sent)
            busy += seconds
    for pair in pairs:
        for side in pair:
            await side.ws.close()
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    errors = [error for pair in pairs for side in pair for error in side.errors]
    result = {}
    for label, (lat, echo, count) in figures.items():
        result[label] = summary(lat, count)
        result[label]["echo"] = {k: v for k, v in summary(echo, count).items() if k.endswith("_ms")}
    delivered = sum(len(lat) for lat, _echo, _count in figures.values())
    result["messages_per_s"] = round(delivered / busy, 1) if busy else None
    result["error_frames"] = errors[:5]
    result["error_frame_count"] = len(errors)
    return result


def purge_broker():
    import redis

    redis.Redis.from_url(BROKER).flushdb()


def main():
    setup_database()
    django()
    agent, chats, seeded = seed()
    agent_cookie = session_cookie(agent)
    dealers = [(number, session_cookie(user)) for user, number in chats]
    workers = default_workers()
    purge_broker()
    started = time.perf_counter()
    with gunicorn(workers, asgi=True) as base:
        figures = asyncio.run(chat_rounds(base, agent_cookie, dealers))
    purge_broker()
    worst = max(figures[label].get("p95_ms", float("inf")) for label in ("dealer_to_agent", "agent_to_dealer"))
    lost = sum(figures[label]["lost"] for label in ("dealer_to_agent", "agent_to_dealer"))
    emit("live_chat", {
        "chats": CHATS, "rounds": ROUNDS, "messages_per_round": CHATS * 2, "seed": seeded,
        "server": "gunicorn portal.asgi:application -k uvicorn_worker.UvicornWorker", "workers": workers,
        **figures, "seconds": round(time.perf_counter() - started, 1),
        "goal_p95_ms": GOAL_P95_MS, "meets_goal": worst < GOAL_P95_MS and lost == 0 and not figures["error_frame_count"],
    })
    if lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
