"""Who may do what in orders. Views call these to decide what to show; services call them again."""
from dealers import permissions as dealer_permissions


def can_use_cart(actor) -> bool:
    """Fill a cart, use quick order and the dealer's saved lists: roles with CART (owner, buyer, approver) and
    agents acting for an approved dealer."""
    return dealer_permissions.can(actor, dealer_permissions.CART)
