"""Who may do what in payments: a dealer's invoices and statement (owners, finance users, agents acting for the
dealer), and the staff's finance work (recording payments, allocating, credit notes, voiding, exports)."""
from dealers import permissions as dealer_permissions

STATEMENT = "payments.statement"  # the download kind of a statement (portal.documents), registered in apps.py


def can_see_invoices(actor) -> bool:
    """Owners and finance users of an approved dealer, and agents acting for it (the roles table's PAY)."""
    return dealer_permissions.can(actor, dealer_permissions.PAY)


def can_read_invoice(user, invoice) -> bool:
    """An invoice (its page and its PDF): the dealer's owners and finance users, sales agents assigned to the dealer,
    and staff who may view invoices in the admin."""
    actor = dealer_permissions.actor_for(user, invoice.dealer)
    if actor is not None and can_see_invoices(actor):
        return True
    return bool(getattr(user, "is_staff", False) and user.is_active and user.has_perm("payments.view_invoice"))


def can_read_statement(user, dealer) -> bool:
    """A dealer's statement (page, CSV, PDF): whoever may see the dealer's invoices."""
    actor = dealer_permissions.actor_for(user, dealer)
    if actor is not None and can_see_invoices(actor):
        return True
    return bool(getattr(user, "is_staff", False) and user.is_active and user.has_perm("payments.view_invoice"))


def can_record_payments(user) -> bool:
    """Finance staff: staff holding the Django permission to add payments (superusers hold every permission)."""
    return bool(user is not None and getattr(user, "is_active", False) and getattr(user, "is_staff", False)
                and user.has_perm("payments.add_payment"))


def can_issue_credit_notes(user) -> bool:
    return bool(user is not None and getattr(user, "is_staff", False) and user.has_perm("payments.add_creditnote"))


def can_void_invoices(user) -> bool:
    return bool(user is not None and getattr(user, "is_staff", False) and user.has_perm("payments.change_invoice"))


def can_change_credit_accounts(user) -> bool:
    """Finance staff: staff holding the Django permission to change credit accounts (limits, terms, methods, holds)."""
    return bool(user is not None and getattr(user, "is_active", False) and getattr(user, "is_staff", False)
                and user.has_perm("payments.change_creditaccount"))
