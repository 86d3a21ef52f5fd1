"""The flush that ends a transactional test (one TRUNCATE of every table) waits for a lock held elsewhere, as the
session's Celery worker holds one while it runs a task, instead of deadlocking or failing the test: it gives up after
its lock timeout, rolls back and tries again (portal.testing.flush_patiently)."""
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from portal.models import Notification
from portal.testing import flush_patiently


def _flush():
    call_command("flush", verbosity=0, interactive=False)


@pytest.mark.django_db(transaction=True)
def test_a_flush_waits_for_a_task_that_holds_a_table_and_then_empties_it():
    Notification.objects.create(recipient="someone@example.com", template="test_message")
    held, release = threading.Event(), threading.Event()

    def task_holding_the_table():  # what a worker's task does while it reads and writes
        from django.db import connection as own

        try:
            with transaction.atomic():
                list(Notification.objects.select_for_update())
                held.set()
                release.wait(10)
        finally:
            own.close()

    task = threading.Thread(target=task_holding_the_table)
    task.start()
    assert held.wait(10)
    threading.Timer(1.0, release.set).start()
    attempts = flush_patiently(_flush, [connection], lock_timeout="200ms", pause=0.2)
    task.join(10)
    assert attempts > 1  # refused while the task held the table, then done
    assert not Notification.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"  # the test's connection is as it was


def test_any_other_failure_of_the_flush_is_raised_at_once():
    calls = []

    def broken():
        calls.append(1)
        raise ValueError("not a lock")

    with pytest.raises(ValueError):
        flush_patiently(broken, [], pause=0)
    assert calls == [1]
