"""Categories, product cards, images, documents, units, stock, search and ERP import."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        from .search import connect_version_signals

        connect_version_signals()
