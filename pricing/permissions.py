"""Who may do what in pricing: views call these to decide what to show, the quote services call them again."""
from dealers import permissions as dealer_permissions


def can_see_quotes(actor) -> bool:
    """The dealer's quotes (list, detail, PDFs): roles that may ask for quotes or order, and agents acting for it."""
    return dealer_permissions.can(actor, dealer_permissions.CART) or dealer_permissions.can(
        actor, dealer_permissions.ORDER)


def can_read_quote(user, quote) -> bool:
    """A quote (its pages and its revisions' PDFs): the dealer's roles that see quotes, sales agents assigned to the
    dealer, and staff who may edit or view quotes."""
    actor = dealer_permissions.actor_for(user, quote.dealer)
    if actor is not None and can_see_quotes(actor):
        return True
    return bool(can_edit_quotes_of(user, quote.dealer)
                or (getattr(user, "is_staff", False) and user.is_active and user.has_perm("pricing.view_quote")))


def can_request_quote(actor) -> bool:
    """Ask for a quote: roles with CART (owner, buyer, approver) and agents acting for an approved dealer."""
    return dealer_permissions.can(actor, dealer_permissions.CART)


def can_decide_quote(actor) -> bool:
    """Accept (→ an order) or reject a sent quote: roles that may order, and agents acting for the dealer."""
    return dealer_permissions.can(actor, dealer_permissions.ORDER)


def can_edit_quotes(user) -> bool:
    """Staff who edit and send quotes at all: admins, and sales agents (for their assigned dealers only)."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff or not user.is_active:
        return False
    return user.is_superuser or user.is_sales_agent or user.has_perm("pricing.change_quote")


def can_edit_quotes_of(user, dealer) -> bool:
    """Edit and send this dealer's quotes: admins (superuser, or the change-quote permission) any dealer's; sales
    agents only those of the dealers assigned to them (dealers.permissions.can_act_for)."""
    if not can_edit_quotes(user):
        return False
    if user.is_superuser:
        return True
    if user.is_sales_agent:
        return dealer_permissions.can_act_for(user, dealer)
    return user.has_perm("pricing.change_quote")


def can_price_as(user, dealer) -> bool:
    """See a dealer's own prices as that dealer (the price calculator's `dealer_code`): staff who may view price
    lists (as the admin's price-as-dealer page asks), and sales agents for the dealers assigned to them."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff or not user.is_active:
        return False
    return user.has_perm("pricing.view_pricelist") or dealer_permissions.can_act_for(user, dealer)
