"""Price lists, segments, contract prices, quantity breaks, campaigns, the price engine and quotes."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = _("Pricing")

    def ready(self):
        # The catalog is an earlier stage and must not import pricing: the engine registers itself as its
        # price provider instead (catalog/prices.py).
        from catalog.prices import register_price_provider

        from .engine import connect_version_signals, price_context_key, price_products

        register_price_provider(price_products, context_key=price_context_key)
        connect_version_signals()

        # The quote PDF's document kind, known to every process (the worker renders it).
        from .services import quote_pdf  # noqa: F401
