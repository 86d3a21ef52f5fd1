"""The shared kernel: outbox, audit log, PDF documents, errors, money."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from . import documents  # noqa: F401  registers the kernel's own document kinds
