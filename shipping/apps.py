"""Shipping methods and rates, carriers, shipments, tracking events and waybills."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("Shipping")

    def ready(self):
        from orders import hooks as order_hooks

        from .services import orders_bridge

        # Checkout offers the shipping methods, priced; the chosen one's charge is fixed on the order.
        order_hooks.shipping_options.register(orders_bridge.shipping_options)
        order_hooks.shipping_charge.register(orders_bridge.shipping_charge)
