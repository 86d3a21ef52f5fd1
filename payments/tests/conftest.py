"""Fixtures of the payments tests."""
import pytest


@pytest.fixture(autouse=True)
def _forget_independent_notifications(django_db_blocker):
    """Refusal mails are committed on their own connection (outbox.notify_independently), so a test's rollback
    does not remove them: they are deleted after each test, on a connection of their own too."""
    yield
    import threading

    from django.db import connection as _unused  # noqa: F401

    def delete():
        from django.db import connection

        from portal.models import Notification

        try:
            Notification.objects.filter(template="payments/credit_refused").delete()
        finally:
            connection.close()

    with django_db_blocker.unblock():
        thread = threading.Thread(target=delete)
        thread.start()
        thread.join(10)
