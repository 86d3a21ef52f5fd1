"""Cart, quick order, saved lists, checkout, approval, statuses and returns."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # Pricing (an earlier stage) accepts quotes; the order it makes is ours to make.
        from pricing import hooks as pricing_hooks

        from .services.quote_orders import order_from_quote

        pricing_hooks.order_maker.register(order_from_quote)

        # A return's photos are downloaded by whom the return's permission function lets through.
        from portal.documents import register_access

        from .permissions import RETURN_PHOTO, can_read_return_photo

        register_access(RETURN_PHOTO, can_read_return_photo)

        from django.db.models.signals import post_delete, post_save

        from .models import CartLine
        from .selectors import forget_cart_count

        post_save.connect(forget_cart_count, sender=CartLine, dispatch_uid="orders-forget-cart-count-save")
        post_delete.connect(forget_cart_count, sender=CartLine, dispatch_uid="orders-forget-cart-count-delete")

        # The header's cart count is read with the rest of what a page reads (portal.cache).
        from portal.cache import request_reads

        from .selectors import cart_count_read_ahead

        request_reads.register(cart_count_read_ahead)
