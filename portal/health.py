"""What /healthz/ reports: each dependency of the portal, checked quickly, and whether the web can serve.

The database is the only hard dependency: without it nothing works (503). The cache, the broker and the workers
are reported but do not take the web out of rotation: pages work without the cache (it fails open), orders placed
while the broker is down keep their mails and documents in the outbox, and a dead worker only delays them.
"""
import socket
import time
from datetime import timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import hooks

# A later stage's own check (support's mail intake): a function answering (name, {"status": "ok" | …, …}); any status
# but "ok" makes the report "degraded" (still 200: pages can be served).
extra_checks = hooks.point("portal.health_checks", args=("database_ok",),
                           doc="/healthz/: answer (name, {'status': 'ok' | …}) for one more entry of the report.")


def record_worker_heartbeat(name=None) -> None:
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name or f"worker:{socket.gethostname()}", defaults={"seen_at": timezone.now()})


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means no database
        return {"status": "unavailable", "error": type(exc).__name__}
    return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}


def _ping_redis(url) -> dict:
    import redis

    started = time.monotonic()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001
        return {"status": "unavailable", "error": type(exc).__name__}
    return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}


def check_cache() -> dict:
    return _ping_redis(settings.CACHES["default"]["LOCATION"])


def check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    if urlparse(url).scheme not in ("redis", "rediss"):
        return {"status": "unknown"}
    return _ping_redis(url)


def check_workers(database_ok=True) -> dict:
    """Workers seen alive within WORKER_HEARTBEAT_STALE_SECONDS (each writes its heartbeat to the database)."""
    if not database_ok:
        return {"status": "unknown"}
    from .models import Heartbeat

    stale = timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    try:
        beats = list(Heartbeat.objects.filter(name__startswith="worker:").order_by("-seen_at")[:20])
    except Exception as exc:  # noqa: BLE001
        return {"status": "unknown", "error": type(exc).__name__}
    alive = [beat for beat in beats if beat.seen_at >= stale]
    last = beats[0].seen_at.isoformat() if beats else None
    return {"status": "ok" if alive else "unavailable", "alive": len(alive), "last_seen": last}


def report() -> tuple[int, dict]:
    """(HTTP status, body): 200 while the portal can serve pages, 503 when the database is down."""
    checks = {"database": check_database()}
    database_ok = checks["database"]["status"] == "ok"
    checks["cache"] = check_cache()
    checks["broker"] = check_broker()
    checks["workers"] = check_workers(database_ok)
    for check in extra_checks.functions:
        try:
            name, answer = check(database_ok=database_ok)
        except Exception as exc:  # noqa: BLE001 - a broken check is reported, never a 500
            name, answer = check.__name__, {"status": "unknown", "error": type(exc).__name__}
        checks[name] = answer
    if not database_ok:
        status = "down"
    elif all(check["status"] == "ok" for check in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return (200 if database_ok else 503), {"status": status, "checks": checks}
