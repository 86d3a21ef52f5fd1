"""Shipping methods and rates, carriers, shipments, tracking events and waybills."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("Shipping")
