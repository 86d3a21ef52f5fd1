"""Who may do what in orders. Views call these to decide what to show; services call them again."""
from dealers import permissions as dealer_permissions


def can_use_cart(actor) -> bool:
    """Fill a cart, use quick order and the dealer's saved lists: roles with CART (owner, buyer, approver) and
    agents acting for an approved dealer."""
    return dealer_permissions.can(actor, dealer_permissions.CART)


RETURN_PHOTO = "orders.return_photo"  # the download kind of a return's photo (portal.documents), registered in apps.py


def can_read_return(user, rma) -> bool:
    """A return and its photos: whoever sees the order's page (the dealer's users, sales agents assigned to the
    dealer) and staff who may view returns in the admin."""
    actor = dealer_permissions.actor_for(user, rma.order.dealer)
    if actor is not None and dealer_permissions.can(actor, dealer_permissions.BROWSE):
        return True
    return bool(getattr(user, "is_staff", False) and user.is_active and user.has_perm("orders.view_returnrequest"))
