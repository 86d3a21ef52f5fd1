"""Who may do what in shipping."""
from django.utils.translation import gettext as _

from dealers.permissions import BROWSE, ORDER, can, is_staff

from .errors import DeliveryReportNotAllowed, ShipmentNotAllowed


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


def may_see_shipment(actor, shipment) -> bool:
    """A shipment (its page, waybill PDF, events, delivery photos): the users of the shipment's dealer, a sales agent
    acting for (or assigned to) that dealer, and staff who may view shipments in the admin. `actor` is a
    portal.actors.Actor or a User (a download view asks with `request.user`). Anyone else: False (a 404)."""
    from dealers.permissions import actor_for
    from portal.actors import Actor

    if actor is None or shipment is None:
        return False
    if isinstance(actor, Actor):
        if actor.dealer is not None and actor.dealer.pk == shipment.dealer_id:
            return can(actor, BROWSE)
        user = None if actor.on_behalf else actor.user
    else:
        user = actor
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return False
        dealer_actor = actor_for(user, shipment.dealer)
        if dealer_actor is not None and can(dealer_actor, BROWSE):
            return True
    return bool(user is not None and is_staff(user) and user.has_perm("shipping.view_shipment"))


# --- Delivery confirmation (issue 14, section 5) -------------------------------------------------------------------

DELIVERY_PHOTO = "shipping.delivery_photo"  # the download kind of a delivery report's photo (portal.documents)


def may_report_delivery(actor, shipment) -> bool:
    """Report a shipment received (or received with problems): a user of the shipment's dealer who may order (owner,
    buyer, approver) or an agent acting for that dealer; never a viewer or a finance user, never staff as staff (staff
    mark a shipment delivered with the admin's move). Whether the shipment can still be reported is the service's
    (shipping.services.report_delivery) to say."""
    dealer = getattr(actor, "dealer", None)
    return (shipment is not None and dealer is not None and dealer.pk == shipment.dealer_id
            and can(actor, ORDER))


def require_may_report_delivery(actor, shipment) -> None:
    if not may_report_delivery(actor, shipment):
        raise DeliveryReportNotAllowed(_("Your role does not allow confirming deliveries."))


def can_read_delivery_photo(user, photo) -> bool:
    """A delivery report's photo: whoever may see its shipment (may_see_shipment)."""
    return may_see_shipment(user, photo.report.shipment)


# --- Waybill and e-İrsaliye (issue 14, section 3) -----------------------------------------------------------------

def may_export_despatch(actor, shipment=None) -> bool:
    """The e-İrsaliye XML of a shipment (for the GİB integrator): staff who may view shipments (the admin's button,
    `shipping:despatch_xml`, and the ERP's token with scope shipping:write). Never a dealer's user or an agent acting
    for a dealer. The ERP's integration user holds shipping.add_shipment (what its scope needs) rather than view."""
    user = None if getattr(actor, "on_behalf", False) else getattr(actor, "user", actor)
    return bool(user is not None and is_staff(user) and (user.has_perm("shipping.view_shipment")
                                                         or user.has_perm("shipping.add_shipment")))

# --- Tracking events (issue 14, section 4) -------------------------------------------------------------------------

def may_apply_tracking(actor, shipment=None) -> bool:
    """A tracking event moves a shipment as the portal itself (actor None: the Celery task applying an event whose
    carrier signature or ERP token was checked when it arrived), or for staff who assign an unmatched event."""
    return actor is None or is_staff(actor)


def require_may_apply_tracking(actor, shipment=None) -> None:
    if not may_apply_tracking(actor, shipment):
        raise ShipmentNotAllowed(_("Only staff and the portal's own tasks apply tracking events."))


def may_assign_events(actor) -> bool:
    """Staff assign an unmatched tracking event to a shipment (the admin's unmatched events)."""
    return is_staff(actor)


def may_manage_carrier_secrets(actor) -> bool:
    """Staff who may change carriers see a carrier's new webhook secret (once) and rotate it."""
    user = getattr(actor, "user", actor)
    return is_staff(actor) and bool(user.has_perm("shipping.change_carrier"))
