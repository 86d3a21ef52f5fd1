"""Price lists, segments, contract prices, quantity breaks, campaigns, the price engine and quotes."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = _("Pricing")

    def ready(self):
        # The catalog is an earlier stage and must not import pricing: pricing registers on the catalog's hook points
        # (catalog/hooks.py): its engine as the price provider, what a cached page of prices depends on, and its
        # writer of the import's price rows.
        from catalog import hooks as catalog_hooks

        from . import hooks  # noqa: F401  (pricing.order_maker, which the orders stage registers on)
        from .engine import price_context_key, price_products
        from .services.price_imports import import_writer
        from .signals import connect_version_signals

        catalog_hooks.price_provider.register(price_products)
        catalog_hooks.price_context_key.register(price_context_key)
        catalog_hooks.import_writer.register(import_writer)
        connect_version_signals()

        # The quote PDF's document kind, known to every process (the worker renders it).
        from portal.documents import register_kind

        from .services.quote_pdf import QUOTE_KIND

        register_kind(QUOTE_KIND)
