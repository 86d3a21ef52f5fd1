"""Who may do what in orders: `(actor, object)` questions answered once. Views and the API call them to decide what
to show or offer, the admin to list its moves, and the services call them again (the `require_*` functions raise
orders' NotAllowed). `actor` is a portal.actors.Actor (a dealer's user, an agent acting for a dealer) or a staff
User (the admin)."""
from django.utils.translation import gettext as _

from dealers import permissions as dealer_permissions

from .errors import NotAllowed
from .models import CHANGEABLE, RETURN, OrderStatus, ReturnStatus


def _user(actor):
    return getattr(actor, "user", actor)


def _own(actor, order) -> bool:
    """The order is of the dealer the actor acts for."""
    dealer = getattr(actor, "dealer", None)
    return dealer is not None and order.dealer_id == dealer.pk


def is_staff(actor) -> bool:
    """Staff acting as staff (the admin, staff API clients): not an agent acting for a dealer."""
    if actor is None or getattr(actor, "on_behalf", False):
        return False
    user = _user(actor)
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", True))


def can_use_cart(actor) -> bool:
    """Fill a cart, use quick order and the dealer's saved lists: roles with CART (owner, buyer, approver) and
    agents acting for an approved dealer."""
    return dealer_permissions.can(actor, dealer_permissions.CART)


def can_place_orders(actor) -> bool:
    """Place orders for the dealer (checkout, the API, quick order to an order): roles with ORDER and agents."""
    return dealer_permissions.can(actor, dealer_permissions.ORDER)


def can_approve_orders(actor) -> bool:
    """Approve or reject the dealer's waiting orders at all (the order list's filter for them)."""
    return dealer_permissions.can(actor, dealer_permissions.APPROVE_ORDERS)


# --- an order's moves -------------------------------------------------------------------------------------------

def may_set_status(actor, order) -> bool:
    """Staff move orders along the lifecycle and set sub-statuses (changes.set_status, the admin); so does the portal
    itself (actor None: a task, or a later stage making the order follow its shipments when a carrier's event or the
    dealer's delivery report moves one)."""
    return actor is None or is_staff(actor)


def may_decide(actor, order) -> bool:
    """Approve or reject the dealer's waiting orders: approvers and owners of the order's dealer."""
    return _own(actor, order) and can_approve_orders(actor)


def can_decide(actor, order) -> bool:
    """`may_decide`, and the order waits for approval (what the order page offers)."""
    return may_decide(actor, order) and order.status == OrderStatus.PENDING_APPROVAL


def may_change(actor, order) -> bool:
    """Change quantities of, or cancel, the dealer's orders: roles with CHANGE_ORDERS, or CHANGE_OWN_ORDERS for the
    orders the user placed (agents act with the agent's abilities)."""
    if not _own(actor, order):
        return False
    if dealer_permissions.can(actor, dealer_permissions.CHANGE_ORDERS):
        return True
    return (dealer_permissions.can(actor, dealer_permissions.CHANGE_OWN_ORDERS)
            and order.placed_by_id == _user(actor).pk)


def can_change(actor, order) -> bool:
    """`may_change`, and the order is not yet being processed (what the order page offers)."""
    return may_change(actor, order) and order.status in CHANGEABLE


def require_change(actor, order) -> None:
    if not _own(actor, order):
        raise NotAllowed(_("This order is not your company's."))
    if not may_change(actor, order):
        raise NotAllowed(_("Your role does not allow changing this order."))


# --- returns ----------------------------------------------------------------------------------------------------

def may_return(actor, order) -> bool:
    """Ask to return delivered goods of the dealer's order: those who order or change orders (and agents acting for
    them)."""
    return _own(actor, order) and (dealer_permissions.can(actor, dealer_permissions.CHANGE_ORDERS)
                                   or dealer_permissions.can(actor, dealer_permissions.ORDER))


def can_return(actor, order) -> bool:
    """`may_return`, and the order is delivered (what the order page offers)."""
    return may_return(actor, order) and order.status == OrderStatus.DELIVERED


def require_return(actor, order) -> None:
    if not _own(actor, order):
        raise NotAllowed(_("This order is not your company's."))
    if not may_return(actor, order):
        raise NotAllowed(_("Your role does not allow returns."))


def may_decide_return(actor, rma) -> bool:
    """Approve or reject a return: staff."""
    return is_staff(actor)


def can_decide_return(actor, rma) -> bool:
    """`may_decide_return`, and the return is still open (decided once; what the admin offers)."""
    return may_decide_return(actor, rma) and rma.status == ReturnStatus.REQUESTED


def may_receive_return(actor, rma=None) -> bool:
    """Mark an approved return's goods received (restocked, credited): staff, or the portal itself (actor None: the
    return shipment delivered back to us, a tracking event)."""
    return actor is None or is_staff(actor)


def can_receive_return(actor, rma) -> bool:
    """`may_receive_return`, and the return is approved and waiting for its goods (what the admin offers)."""
    return may_receive_return(actor, rma) and RETURN.allowed(rma.status, ReturnStatus.RECEIVED)


RETURN_PHOTO = "orders.return_photo"  # the download kind of a return's photo (portal.documents), registered in apps.py


def can_read_return_photo(user, photo) -> bool:
    """A return's photo: whoever may read its return."""
    return can_read_return(user, photo.return_request)


def can_read_return(user, rma) -> bool:
    """A return and its photos: whoever sees the order's page (the dealer's users, sales agents assigned to the
    dealer) and staff who may view returns in the admin."""
    actor = dealer_permissions.actor_for(user, rma.order.dealer)
    if actor is not None and dealer_permissions.can(actor, dealer_permissions.BROWSE):
        return True
    return bool(getattr(user, "is_staff", False) and user.is_active and user.has_perm("orders.view_returnrequest"))
