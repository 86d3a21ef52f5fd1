"""Credit accounts and limits, payment terms, invoices, payments, matching and statements."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        # Orders (an earlier stage) ask every later stage before an order commits to an amount: credit is ours.
        from orders.services.hooks import on_order_commitment

        from .services.credit import check_order_credit

        on_order_commitment(check_order_credit)

        # Invoices when an order ships (or is confirmed, settings.INVOICE_ON); credit notes from approved returns.
        from orders.services.hooks import on_status_changed
        from orders.services.returns import on_return_approved

        from .services.allocation import credit_note_from_return
        from .services.invoices import invoice_on_status_changed

        on_status_changed(invoice_on_status_changed)

        # A wire-transfer order waits for its money before staff move it on.
        from orders.services.hooks import guard_status

        from .services.wire import guard_wire_order

        guard_status(guard_wire_order)

        # Checkout offers only the payment methods the dealer's credit account allows.
        from orders.services.hooks import filter_payment_methods

        from .services.credit import allowed_methods

        filter_payment_methods(allowed_methods)

        # ... and shows on account disabled, with the reason, while the dealer has no credit limit or is on hold.
        from orders.services.hooks import explain_payment_methods

        from .services.credit import explain_methods

        explain_payment_methods(explain_methods)

        # Card orders wait for their authorisation, cannot grow past it, are captured when invoiced and released
        # when cancelled.
        from .services.cards import card_on_status_changed, check_card_commitment, guard_card_order

        guard_status(guard_card_order)
        on_order_commitment(check_card_commitment)
        on_status_changed(card_on_status_changed)

        # A newly approved dealer gets its credit account; finance is asked to set a limit when the default is 0.
        from dealers.services.lifecycle import on_dealer_approved

        from .services.credit import open_account_for_new_dealer

        on_dealer_approved(open_account_for_new_dealer)

        # Staff set the new dealer's credit on the approve page and see its account on the dealer's admin page.
        from dealers.admin_hooks import add_approval_fields, add_dealer_panel

        from .admin_credit import approval_fields, dealer_credit_panel

        add_approval_fields(approval_fields)
        add_dealer_panel(dealer_credit_panel)

        on_return_approved(credit_note_from_return)

        # A statement PDF is downloaded by whom the statement's permission function lets through.
        from portal.documents import register_access

        from . import checks  # noqa: F401  (registers the system checks)
        from .permissions import STATEMENT, can_read_statement

        register_access(STATEMENT, can_read_statement)
