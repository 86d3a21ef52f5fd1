"""Shared bench machinery: a bench database, the production server (gunicorn) and wrk as load generator."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# MALLOC_ARENA_MAX as the Procfile and the image set it: glibc gives each thread that allocates (uvicorn's threads for
# sync views) an arena of its own, up to 8 a core, and memory freed in one is not reused by another, so a worker's
# RSS creeps up although nothing it keeps grows (bench_memory).
ENV = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")}
PY = sys.executable


def manage(*args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)


def setup_database():
    manage("ensure_database")
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    # Each benchmark has its own database and its own keys in the shared Redis (bench/settings.py: KEY_PREFIX): it
    # starts without what an earlier run of it left there, and leaves other databases' keys (and a demo's) alone.
    manage("shell", "-c", "from django.core.cache import cache; client = cache._cache.get_client(write=True); "
           "[client.delete(key) for key in client.scan_iter(cache.make_key('*'))]")


def django():
    sys.path.insert(0, str(ROOT))
    os.environ.update({k: v for k, v in ENV.items() if k not in os.environ or k == "DJANGO_SETTINGS_MODULE"})
    import django as dj

    dj.setup()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def default_workers():
    return (os.cpu_count() or 2) * 2


@contextmanager
def gunicorn(workers=None, *, asgi=False):
    """The production server on a free loopback port: WSGI (portal.wsgi, sync workers) by default; `asgi=True` runs
    it as the Procfile does, the ASGI application (HTTP and the live chat's WebSockets) under uvicorn workers."""
    port = free_port()
    workers = workers or default_workers()
    app = ["portal.asgi:application", "-k", "uvicorn_worker.UvicornWorker"] if asgi else ["portal.wsgi"]
    proc = subprocess.Popen(
        [PY, "-m", "gunicorn", *app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--log-level", "warning"],
        cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _ms(value, unit):
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return round(float(value) * factor, 3)


def wrk(url, *, seconds=8, connections=32, threads=2, warmup=2, headers=None, script="percentiles.lua", env=None):
    """Run wrk against url; returns requests/s and latency percentiles in ms. Bounded in time, loopback only.
    `script`: a Lua file beside this one that reports the percentiles (and may vary the requests)."""
    exe = shutil.which("wrk")
    if not exe:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does it)")
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    run_env = {**os.environ, **(env or {})}
    script_path = str(Path(__file__).with_name(script))
    if warmup:
        subprocess.run([exe, "-t1", "-c4", f"-d{warmup}s", "-s", script_path, *extra, url], capture_output=True,
                       env=run_env)
    out = subprocess.run(
        [exe, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", script_path,
         *extra, url],
        capture_output=True, text=True, check=True, env=run_env,
    ).stdout
    result = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "90", "95", "99"):
        m = re.search(rf"^P{pct} (\d+)$", out, re.M)
        result[f"p{pct}_ms"] = round(int(m.group(1)) / 1000, 3) if m else None
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = int(errors.group(1)) if errors else 0
    result["connections"] = connections
    result["seconds"] = seconds
    return result


def emit(name, figures):
    print(json.dumps({"bench": name, **figures}, ensure_ascii=False))
