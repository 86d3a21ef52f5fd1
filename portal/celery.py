"""The Celery app: Redis as broker, configuration from Django settings (CELERY_*)."""
import os

from celery import Celery
from celery.app.amqp import AMQP
from celery.signals import heartbeat_sent, task_prerun, worker_ready
from kombu import Connection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


class QuickReconnectConnection(Connection):
    """kombu waits 2, 4, 6 … up to 30 s between attempts to reach a lost broker, so after a minute's outage a worker
    or beat could stay away for half a minute more. Here every wait is at most BROKER_RECONNECT_MAX_SECONDS."""

    def ensure_connection(self, *args, **kwargs):
        from django.conf import settings

        most = getattr(settings, "BROKER_RECONNECT_MAX_SECONDS", 3.0)
        kwargs.setdefault("interval_start", min(1.0, most))
        kwargs.setdefault("interval_step", 1.0)
        kwargs.setdefault("interval_max", most)
        return super().ensure_connection(*args, **kwargs)


class PortalAMQP(AMQP):
    Connection = QuickReconnectConnection


app = Celery("portal", amqp=PortalAMQP)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _forget_content_type_ids(**kwargs):
    """A long-lived worker caches content type ids (audit rows and documents point at them). They never change in
    production, but a test database that is flushed and filled again gets new ones: start each task without them."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


# A worker's pulse for /healthz/: written to the database (not Redis, which may be the thing that is down) at start
# and then at most once per WORKER_HEARTBEAT_EVERY_SECONDS from the worker's own event loop.
_last_pulse = [0.0]


def _pulse():
    import time

    from django.conf import settings

    now = time.monotonic()
    if now - _last_pulse[0] < getattr(settings, "WORKER_HEARTBEAT_EVERY_SECONDS", 10):
        return
    _last_pulse[0] = now
    try:
        from .health import record_worker_heartbeat

        record_worker_heartbeat()
    except Exception:  # noqa: BLE001 - a heartbeat never stops the worker
        import logging

        logging.getLogger(__name__).warning("Could not record the worker heartbeat", exc_info=True)


@heartbeat_sent.connect
def _worker_heartbeat(**kwargs):
    _pulse()


@worker_ready.connect
def _requeue_on_start(sender=None, **kwargs):
    """A worker that (re)starts takes up at once what waited for it: pending mails and documents, and mails whose
    sending worker died (their lease ran out), instead of waiting for beat."""
    _last_pulse[0] = 0.0
    _pulse()
    try:
        from . import documents, outbox

        outbox.requeue_pending(older_than_seconds=0)
        documents.requeue_pending_documents(older_than_seconds=0)
    except Exception:  # noqa: BLE001
        import logging

        logging.getLogger(__name__).warning("Could not requeue pending work at worker start", exc_info=True)
