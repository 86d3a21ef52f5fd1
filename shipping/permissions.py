"""Who may do what in shipping."""
from django.utils.translation import gettext as _

from dealers.permissions import BROWSE, can, is_staff

from .errors import ShipmentNotAllowed


def may_use_method(dealer, method) -> bool:
    """Whether `dealer` may ship with `method`: an active method whose segments and dealers are both empty (every
    dealer), or that names the dealer or the dealer's segment."""
    if dealer is None or not method.active:
        return False
    segment_ids = {s.pk for s in method.segments.all()}
    dealer_ids = {d.pk for d in method.dealers.all()}
    if not segment_ids and not dealer_ids:
        return True
    return dealer.pk in dealer_ids or (dealer.segment_id is not None and dealer.segment_id in segment_ids)


def can_quote_shipping(actor) -> bool:
    """A dealer user (or an agent acting for a dealer) who may see prices may see what shipping costs."""
    return getattr(actor, "dealer", None) is not None and can(actor, BROWSE)


def may_ship(actor, order=None) -> bool:
    """Staff create shipments of an order (the admin; the ERP API later)."""
    return is_staff(actor)


def may_move_shipment(actor, shipment=None) -> bool:
    """Staff move a shipment along its lifecycle."""
    return may_ship(actor)


def require_may_ship(actor, order=None) -> None:
    if not may_ship(actor, order):
        raise ShipmentNotAllowed(_("Only staff create and move shipments."))
