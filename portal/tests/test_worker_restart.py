"""`make run`'s worker line (the Procfile) survives a kill -9 of the Celery worker's main process: it is started
again, and a PDF rendering interrupted by the kill is finished by the new worker within a minute."""
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.db import OperationalError, transaction

from dealers.testing import UserFactory
from portal import documents, queue
from portal.models import Document
from portal.tasks import render_document_task
from portal.testing import BASE_DIR, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _procs():
    """{pid: (parent pid, command line)} of the running processes."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        found[int(entry.name)] = (ppid, cmdline)
    return found


def _descendants(root):
    procs = _procs()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        children = [child for child, (ppid, _) in procs.items() if ppid == pid]
        out += [(child, procs[child][1]) for child in children]
        todo += children
    return out


def _is_worker(cmd) -> bool:
    return "celery" in cmd and " worker" in cmd and "keep-running" not in cmd and not cmd.startswith("sh ")


def _worker_main(root):
    """The Celery worker's main process under `root`: a worker process whose parent is not one (pool processes
    are forks of the main one)."""
    procs = _procs()
    mains = [pid for pid, cmd in _descendants(root)
             if _is_worker(cmd) and not _is_worker(procs.get(procs.get(pid, (0, ""))[0], (0, ""))[1])]
    return mains[0] if mains else None


def _rendering(doc_pk) -> bool:
    """True while a worker holds the document's row lock (render_document renders inside it)."""
    try:
        with transaction.atomic():
            Document.objects.select_for_update(nowait=True).filter(pk=doc_pk).exists()
    except OperationalError:
        return True
    return False


def test_the_procfile_worker_comes_back_after_a_kill_and_finishes_the_interrupted_pdf(worker_env, private_broker,
                                                                                     tmp_path):
    line = dict(ln.split(": ", 1) for ln in (BASE_DIR / "Procfile").read_text().splitlines() if ln.strip())["worker"]
    command = line + f" --without-gossip --without-mingle --hostname restart-{os.getpid()}@%h"
    env = {**worker_env, "PATH": f"{BASE_DIR / '.venv' / 'bin'}:{os.environ['PATH']}", "CELERY_CONCURRENCY": "1",
           "CELERY_BROKER_URL": private_broker.url}
    log_path = tmp_path / "procfile-worker.log"
    with open(log_path, "w") as log:
        runner = subprocess.Popen(["sh", "-c", command], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        wait_until(lambda: "ready." in log_path.read_text(), 60, "the worker")
        first = _worker_main(runner.pid)
        assert first

        staff = UserFactory(is_staff=True)
        with transaction.atomic():
            doc = documents.request_document(owner=staff, kind="portal.specimen", language="en")
        deadline = time.monotonic() + 30
        last_sent = time.monotonic()
        while not _rendering(doc.pk) and Document.objects.get(pk=doc.pk).status == Document.Status.PENDING:
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            if time.monotonic() - last_sent > 2:
                # This probe's own row lock can make the worker skip the document (it takes rows SKIP LOCKED);
                # send it again as beat's requeue job would.
                queue.enqueue(render_document_task, doc.pk)
                last_sent = time.monotonic()
            time.sleep(0.01)
        os.kill(first, signal.SIGKILL)  # the main process, mid-render

        wait_until(lambda: len(re.findall(r"ready\.", log_path.read_text())) >= 2, 60, "the worker started again")
        assert runner.poll() is None  # the supervisor (what honcho runs) is still there
        second = _worker_main(runner.pid)
        assert second and second != first
        wait_until(lambda: Document.objects.get(pk=doc.pk).status == Document.Status.READY, 60, "the PDF")
        assert "starting it again" in log_path.read_text()
    finally:
        try:
            os.killpg(runner.pid, signal.SIGTERM)
            runner.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(runner.pid, signal.SIGKILL)
