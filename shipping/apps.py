"""Shipping methods and rates, carriers, shipments, tracking events and waybills."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("Shipping")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from orders import hooks as order_hooks
        from payments import hooks as payment_hooks
        from portal.documents import register_access, register_kind
        from pricing import hooks as pricing_hooks

        from .admin_orders import order_shipments_panel
        from .admin_returns import return_shipments_panel
        from .models import SHIPMENT, ShippingMethod
        from .permissions import DELIVERY_PHOTO, can_read_delivery_photo
        from .services import invoicing, notices, orders_bridge, waybill
        from .services import returns as return_services

        # Checkout offers the shipping methods, priced (with cargo insurance where asked); the chosen one's charge is
        # fixed on the order. A method's name in the reader's language on orders, invoices and mails; quotes carry a
        # method and its charge priced by the same rates (pricing's points).
        order_hooks.shipping_options.register(orders_bridge.shipping_options)
        order_hooks.shipping_charge.register(orders_bridge.shipping_charge)
        order_hooks.shipping_method_name.register(orders_bridge.shipping_method_name)
        pricing_hooks.shipping_options.register(orders_bridge.quote_shipping_options)
        pricing_hooks.shipping_charge.register(orders_bridge.quote_shipping_charge)
        pricing_hooks.shipping_method_name.register(orders_bridge.shipping_method_name)
        for signal in (post_save, post_delete):  # the cached names follow a renamed or deleted method
            signal.connect(orders_bridge.forget_names, sender=ShippingMethod, dispatch_uid=f"forget-names-{signal}")

        # The order's admin page shows its shipments, what is still to ship, "Create shipment" and "Cancel the rest";
        # a return's admin page its return shipment and "Create the return shipment".
        order_hooks.admin_panel.register(order_shipments_panel)
        order_hooks.return_admin_panel.register(return_shipments_panel)

        # What follows a shipment's move, in this order (each inside the move's transaction, under the order's lock;
        # the lock order in docs/architecture.md):
        # 1. Invoices per shipment (INVOICE_ON=shipped): a shipment leaving is invoiced for what it carries (the
        #    shipping charge on the first), so payments leaves an order with outbound shipments to us; one that comes
        #    back undelivered gives its invoice back (void, or credited when settled); a reissued invoice of a
        #    shipment becomes the shipment's invoice.
        SHIPMENT.moved.register(invoicing.invoice_on_shipment_moved)
        SHIPMENT.moved.register(invoicing.withdraw_invoice_on_return)
        payment_hooks.invoiced_by_parts.register(invoicing.invoiced_by_parts)
        payment_hooks.invoice_replaced.register(invoicing.follow_reissued_invoice)
        payment_hooks.reissue_refusal.register(invoicing.returned_reissue_refusal)
        # 2. The waybill (irsaliye): numbered when a shipment leaves (the IRS counter, taken after the invoice's
        #    rows), its PDF rendered by the worker and served to who may see the shipment.
        register_kind(waybill.WAYBILL_KIND)
        SHIPMENT.moved.register(waybill.waybill_on_shipment_moved)
        # 3. A return shipment delivered back to us receives its return in orders: restocked, credited.
        SHIPMENT.moved.register(return_services.return_on_shipment_moved)
        # 4. The dealer is told once per shipment and status that matters, whoever moved it (staff, the ERP, a
        #    carrier's webhook), last, so the mail links the waybill and invoice the same move made.
        SHIPMENT.moved.register(notices.notify_dealer_of_move)

        # A delivery report's photos are served to whoever may see the shipment (shipping:delivery_photo).
        register_access(DELIVERY_PHOTO, can_read_delivery_photo)
