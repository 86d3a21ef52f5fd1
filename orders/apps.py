"""Cart, quick order, saved lists, checkout, approval, statuses and returns."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # Pricing (an earlier stage) accepts quotes; the order it makes is ours to make.
        from pricing.services.quotes import register_order_maker

        from .services.quote_orders import order_from_quote

        register_order_maker(order_from_quote)
