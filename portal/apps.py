"""The shared kernel: outbox, audit log, PDF documents, errors, money."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from . import documents

        # The kernel's own document kind (a specimen page staff render to check the letterhead and fonts).
        documents.register_kind(documents.SPECIMEN)

        # After a heavy request the worker gives its free memory back to the system (portal/memory.py).
        from django.core.signals import request_finished, request_started

        from . import memory

        request_started.connect(memory.request_started, dispatch_uid="portal-memory-started")
        request_finished.connect(memory.request_finished, dispatch_uid="portal-memory-finished")
