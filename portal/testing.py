"""pytest plugin shared by every app's tests: a real Redis broker, real Celery workers, a real Chromium; and the
helpers every app's tests share (an actor, a browser log-in, API token clients, threads that race).

Loaded from pytest.ini (`-p portal.testing`) before Django is set up, so nothing here imports a model at module
level. The data fixtures (dealers in each role, staff, token clients) are in the root conftest.py; each app's
factories are in `<app>/testing.py`.
"""
import os
import shutil
import socket
import subprocess
import sys
import time
from email import message_from_binary_file
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
ARTIFACTS = BASE_DIR / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _port_open(host, port) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def _wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"Timed out after {timeout}s waiting for {what}")


class RedisBroker:
    """A real redis-server dedicated to the suite's Celery broker, so a test can take it down and back up."""

    def __init__(self, port):
        self.port = port
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        if self.proc and self.proc.poll() is None:
            return
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_for(lambda: _port_open("127.0.0.1", self.port), 10, "the Redis broker")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        _wait_for(lambda: not _port_open("127.0.0.1", self.port), 10, f"the Redis broker to stop (pid {self.proc and self.proc.pid})")


@pytest.fixture(scope="session", autouse=True)
def redis_broker():
    port = int(settings.CELERY_BROKER_URL.rsplit(":", 1)[1].split("/")[0])
    broker = RedisBroker(port)
    if not _port_open("127.0.0.1", port):
        broker.start()
    yield broker
    broker.stop()


class CeleryProcess:
    """A real `celery worker` (or `beat`) process pointed at the test database and the test broker."""

    def __init__(self, kind, env, log_path, extra=()):
        self.kind = kind
        self.log_path = log_path
        cmd = [sys.executable, "-m", "celery", "-A", "portal", kind, "--loglevel", "INFO", *extra]
        if kind == "worker":
            cmd += ["--concurrency", "2", "--without-gossip", "--without-mingle", "--hostname", f"test-{os.getpid()}@%h"]
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        marker = "ready." if kind == "worker" else "beat: Starting"
        _wait_for(lambda: marker in Path(log_path).read_text() or self.proc.poll() is not None, 60, f"celery {kind}")
        if self.proc.poll() is not None:
            raise RuntimeError(f"celery {kind} exited:\n{Path(log_path).read_text()[-3000:]}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def output(self):
        return Path(self.log_path).read_text()


@pytest.fixture
def private_broker(monkeypatch):
    """A broker of one test's own (a redis-server on a spare port), for a worker the test starts with
    `start_celery(..., {"CELERY_BROKER_URL": private_broker.url})`: the session's worker cannot take its tasks.
    What the test process enqueues goes there too (portal.queue.enqueue is pointed at it)."""
    from celery import Celery

    from portal import queue

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = RedisBroker(port)
    server.start()
    app = Celery("portal-private", set_as_current=False)
    connection = app.connection_for_write(server.url)  # CELERY_BROKER_URL in the environment would win over broker=

    def enqueue(task, *args, **kwargs):
        app.send_task(task.name, args=args, kwargs=kwargs, connection=connection)
        return True

    monkeypatch.setattr(queue, "enqueue", enqueue)
    server.enqueue = enqueue
    yield server
    connection.release()
    app.close()
    server.stop()


@pytest.fixture(scope="session")
def imap_server():
    """A real IMAP server (Debian's dovecot, portal/imap_testing.py) for the session on a spare port. Each test
    makes its own mailbox users (`imap_server.add_mailbox()` gives a fresh one) so it sees no other test's mail."""
    from portal.imap_testing import ImapServer

    server = ImapServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="session")
def worker_env(django_db_setup, django_db_blocker, mail_dir, tmp_path_factory):
    """Environment for Celery processes: the test database (created by pytest-django), file-based mail."""
    from django.db import connection

    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings_test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        DB_CONN_MAX_AGE="0",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="session")
def _session_celery_worker(worker_env, tmp_path_factory, redis_broker):
    """The session's worker, in a holder: `celery_worker` starts a new one when this one has died."""
    holder = {"worker": CeleryProcess("worker", worker_env, tmp_path_factory.mktemp("celery") / "worker.log")}
    yield holder
    holder["worker"].stop()


@pytest.fixture
def celery_worker(_session_celery_worker, worker_env, tmp_path_factory):
    """One real worker for the session. Tests that use it need `transactional_db` so it sees their rows. A worker
    that died (Celery's consumer can exit on a broker outage a test provokes) is replaced before the next test, so one
    test's outage is not every later test's failure."""
    worker = _session_celery_worker["worker"]
    if worker.proc.poll() is not None:
        worker.stop()
        worker = CeleryProcess("worker", worker_env, tmp_path_factory.mktemp("celery") / "worker.log")
        _session_celery_worker["worker"] = worker
    return worker


@pytest.fixture
def start_celery(worker_env, tmp_path):
    """Start extra Celery processes (e.g. beat with a short schedule) for one test; all stopped afterwards."""
    started = []

    def start(kind, extra_env=None, extra_args=()):
        env = {**worker_env, **(extra_env or {})}
        proc = CeleryProcess(kind, env, tmp_path / f"{kind}-{len(started)}.log", extra_args)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


def read_mail_dir(path):
    """Messages written by Django's file-based mail backend (one file per connection, messages split by dashes)."""
    messages = []
    for file in sorted(Path(path).glob("*.log")):
        raw = file.read_bytes()
        for chunk in raw.split(b"-" * 79):
            chunk = chunk.strip()
            if chunk:
                from io import BytesIO

                messages.append(message_from_binary_file(BytesIO(chunk)))
    return messages


def mail_subject(message) -> str:
    from email.header import decode_header, make_header

    return str(make_header(decode_header(message["Subject"])))


def wait_until(predicate, timeout=30, what="a condition"):
    _wait_for(predicate, timeout, what)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own browser downloads are not used)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test; a failing test leaves a screenshot under test-artifacts/."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    pg = context.new_page()
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the suite's own Redis database) and nothing kept in the process in front
    of it (portal.cache.KeptValues): no counts leak between tests."""
    from django.core.cache import cache

    from portal.cache import forget_kept_values

    cache.clear()
    forget_kept_values()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests empty every table afterwards, migration data included: write it back first."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from dealers.reference import ensure_reference_data
        from support.reference import ensure_sla_reference

        ensure_reference_data()
        ensure_sla_reference()  # the support calendar and SLA policies


# --- the flush after a transactional test ---------------------------------------------------------------------------
# A transactional test (transaction=True, live_server) ends with Django's flush: one TRUNCATE of every table, which
# needs an ACCESS EXCLUSIVE lock on each. The session's Celery worker may at that moment run a task (a PDF, a mail,
# its heartbeat) that holds a lock on one table and asks for another: TRUNCATE and the task wait for each other and
# PostgreSQL kills one of them (a deadlock), or TRUNCATE waits behind a long task. So the flush waits at most
# FLUSH_LOCK_TIMEOUT for each lock and, refused (lock timeout or deadlock victim), is rolled back whole and tried
# again after a pause in which the worker's task ends; it never holds some tables while waiting long for others.
FLUSH_LOCK_TIMEOUT = "3s"
FLUSH_ATTEMPTS = 8
LOCK_WAIT_CODES = {"40P01", "55P03", "40001"}  # deadlock detected, lock not available, serialization failure


def _is_lock_wait(exc) -> bool:
    while exc is not None:
        if getattr(exc, "pgcode", None) in LOCK_WAIT_CODES:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def flush_patiently(flush, connections, *, attempts=FLUSH_ATTEMPTS, lock_timeout=FLUSH_LOCK_TIMEOUT, pause=0.5):
    """Run `flush()` (it truncates in one transaction per database) with a lock timeout on `connections`; try again
    when a lock wait or a deadlock refused it. Returns how many attempts it took."""
    for attempt in range(1, attempts + 1):
        for connection in connections:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, false)", [lock_timeout])
        try:
            flush()
            return attempt
        except Exception as exc:  # noqa: BLE001 - flush wraps the database error in a CommandError
            if attempt == attempts or not _is_lock_wait(exc):
                raise
            time.sleep(pause * attempt)
        finally:
            for connection in connections:
                if connection.connection is not None and not connection.needs_rollback:
                    with connection.cursor() as cursor:
                        cursor.execute("RESET lock_timeout")
    return attempts


@pytest.fixture(scope="session", autouse=True)
def _patient_flush():
    """Every transactional test's flush goes through flush_patiently (see above)."""
    from django.db import connections
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        aliases = self._databases_names(include_mirrors=False)
        flush_patiently(lambda: original(self), [connections[alias] for alias in aliases])

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def run_together(calls, *, timeout=120):
    """Run every call in its own thread and database connection, released together by a barrier, for tests of
    races on real PostgreSQL; returns each call's result or the exception it raised, in order."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - every outcome is judged by the caller's assertions
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return outcomes


# --- helpers every app's tests share ------------------------------------------------------------------------------

def actor_of(user, dealer=None):
    """A dealer user's actor, or (with `dealer`) an agent acting for that dealer."""
    from portal.actors import Actor

    if dealer is not None:
        return Actor(user=user, dealer=dealer, on_behalf=True)
    return Actor(user=user, dealer=user.dealer)


def log_in(page, base, email, password, code=""):
    """In the browser: log in through the login page (`code`: the dealer code, empty for staff)."""
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.fill("#id_dealer_code", code)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


def log_out(page):
    """In the browser: log out from the user menu of the header."""
    page.click("header .user-menu button[type=submit]")
    page.wait_for_load_state()


def grant_scope_permissions(user, scopes):
    """Give `user` the Django permissions its token's staff scopes need (portal.api_tokens.SCOPE_PERMISSIONS): a token
    carries no more than its user may do."""
    from django.contrib.auth.models import Permission

    from portal.api_tokens import SCOPE_PERMISSIONS

    for scope in scopes:
        perm = SCOPE_PERMISSIONS.get(scope)
        if perm:
            app_label, codename = perm.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def api_client(key=None, **extra):
    """A DRF test client, carrying `Token <key>` when a key is given."""
    from rest_framework.test import APIClient

    client = APIClient(**extra)
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def token_client_for(user, scopes, *, name="ERP", created_by=None):
    """An API client with a fresh token of `user` holding `scopes`; the token is `client.token`. The token is made by
    `created_by` (a new superuser unless given), as an admin would."""
    from dealers.testing import StaffFactory
    from portal.api_tokens import create_api_token

    token, key = create_api_token(name=name, user=user, scopes=list(scopes), actor=created_by or StaffFactory())
    client = api_client(key)
    client.token = token
    return client


# --- the ASGI server (issue 16: live chat) ------------------------------------------------------------------------

def database_sessions() -> set:
    """The other sessions connected to the test database now (their backend pids)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return {row[0] for row in cursor.fetchall()}


def end_database_sessions(pids) -> None:
    """End the database connections the server's request threads left open (CONN_MAX_AGE keeps them, in threads
    that are gone): an open connection would stop the flush and the test database's removal."""
    from django.db import connection

    if pids:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY(%s)", [list(pids)])


@pytest.fixture
def asgi_server(transactional_db):
    """The portal's ASGI application (pages, static files, the live chat's WebSockets) served by uvicorn in a thread
    of the test process, so it reads the test database; yields its base URL ("http://127.0.0.1:<port>"), like
    pytest-django's live_server."""
    import threading

    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from portal.asgi import application

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(ASGIStaticFilesHandler(application), host="127.0.0.1", port=port, lifespan="off",
                            ws="websockets", log_level="warning")
    server = uvicorn.Server(config)
    before = database_sessions()
    thread = threading.Thread(target=server.run, name="asgi-server", daemon=True)
    thread.start()
    _wait_for(lambda: server.started, 20, "the ASGI server")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        end_database_sessions(database_sessions() - before)


def golden_mismatches(golden_dir, prefix, pages, render, *, languages=("en", "tr")):
    """Compares pages byte for byte with their golden files (`golden_dir/{prefix}_{name}_{language}.html`): each page
    is rendered twice in each language (`render(url, language)`; the second from whatever the first kept) and both
    must equal the file. `GOLDEN_UPDATE=1` rewrites the files from the first rendering (read their diff before
    committing). Returns the names of the files that differ; the page as rendered is written beside the test run's
    other artifacts (test-artifacts/golden/) to compare."""
    from django.utils import translation

    golden_dir.mkdir(exist_ok=True)
    failures = []
    for language in languages:
        for name, url in pages:
            html = render(url, language)
            again = render(url, language)
            path = golden_dir / f"{prefix}_{name}_{language}.html"
            if os.environ.get("GOLDEN_UPDATE"):
                path.write_text(html)
            expected = path.read_text()
            if html != expected or again != expected:
                failures.append(path.name)
                actual = Path(settings.BASE_DIR) / "test-artifacts" / "golden" / path.name
                actual.parent.mkdir(parents=True, exist_ok=True)
                actual.write_text(html if html != expected else again)
    translation.activate("en")
    return failures
