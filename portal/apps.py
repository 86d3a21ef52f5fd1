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
