"""Credit accounts and limits, payment terms, invoices, payments, matching and statements."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        # Orders (an earlier stage) declare their hook points in orders/hooks.py and, for the order's and the
        # return's lifecycles, in orders.models (ORDER, RETURN).
        from orders import hooks as order_hooks
        from orders.models import ORDER, RETURN

        # Orders ask every later stage before an order commits to an amount: credit is ours.
        from .services.credit import check_order_credit

        order_hooks.commitment.register(check_order_credit)

        # Invoices when an order ships (or is confirmed, settings.INVOICE_ON); credit notes from approved returns.
        from .services.allocation import credit_note_from_return
        from .services.invoices import invoice_on_status_changed

        ORDER.moved.register(invoice_on_status_changed)

        # A wire-transfer order waits for its money before staff move it on.
        from .services.wire import guard_wire_order

        ORDER.guard.register(guard_wire_order)

        # Checkout offers only the payment methods the dealer's credit account allows.
        from .services.credit import allowed_methods

        order_hooks.payment_methods_allowed.register(allowed_methods)

        # ... and shows on account disabled, with the reason, while the dealer has no credit limit or is on hold.
        from .services.credit import explain_methods

        order_hooks.payment_methods_unavailable.register(explain_methods)

        # Card orders wait for their authorisation, cannot grow past it, are captured when invoiced and released
        # when cancelled. (The card listener comes after the invoice listener: it captures once invoiced.)
        from .services.cards import card_on_status_changed, check_card_commitment, guard_card_order

        ORDER.guard.register(guard_card_order)
        order_hooks.commitment.register(check_card_commitment)
        ORDER.moved.register(card_on_status_changed)

        # A newly approved dealer gets its credit account; finance is asked to set a limit when the default is 0.
        from dealers import hooks as dealer_hooks

        from .services.credit import open_account_for_new_dealer

        dealer_hooks.approved.register(open_account_for_new_dealer)

        # Staff set the new dealer's credit on the approve page and see its account on the dealer's admin page.
        from .admin_credit import approval_fields, dealer_credit_panel

        dealer_hooks.approval_fields.register(approval_fields)
        dealer_hooks.dealer_panel.register(dealer_credit_panel)

        RETURN.moved.register(credit_note_from_return)

        # The invoice PDF's document kind (known to every process: the worker renders it); a statement PDF is
        # downloaded by whom the statement's permission function lets through.
        from portal.documents import register_access, register_kind

        from .services.invoices import INVOICE_KIND

        register_kind(INVOICE_KIND)

        from . import checks  # noqa: F401  (registers the system checks)
        from .permissions import STATEMENT, can_read_statement

        register_access(STATEMENT, can_read_statement)
