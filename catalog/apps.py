"""Categories, product cards, images, documents, units, stock, search and ERP import."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        # The catalog's hook points (catalog.price_provider, catalog.price_context_key, catalog.import_writer) are
        # declared in catalog/hooks.py; later stages register on them in their own ready().
        from . import hooks  # noqa: F401
        from .signals import connect_version_signals

        connect_version_signals()

        # The catalog's pages read the catalog version with the rest of what a page reads (portal.cache).
        from portal.cache import request_reads

        from .search import version_read_ahead

        request_reads.register(version_read_ahead)
