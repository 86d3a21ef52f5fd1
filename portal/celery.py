"""The Celery app: Redis as broker, configuration from Django settings (CELERY_*)."""
import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _forget_content_type_ids(**kwargs):
    """A long-lived worker caches content type ids (audit rows and documents point at them). They never change in
    production, but a test database that is flushed and filled again gets new ones: start each task without them."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
