"""Who may do what in catalog: who browses the catalog and who sees prices in it."""
from dealers import permissions as dealer_permissions


def can_browse_catalog(actor) -> bool:
    """Staff browse the catalog without a dealer (no prices); dealer users and agents acting for a dealer
    browse when their dealer is approved and their role allows it."""
    if actor is None:
        return False
    if actor.dealer is None:
        return actor.is_staff
    return dealer_permissions.can(actor, dealer_permissions.BROWSE)


def can_see_prices(actor) -> bool:
    """Prices are a dealer's: only for an approved dealer's users and agents acting for one."""
    return actor is not None and actor.dealer is not None and dealer_permissions.can(actor, dealer_permissions.BROWSE)


IMPORT_PERMISSION = "catalog.change_product"


def can_import(user) -> bool:
    """Run the ERP import (the staff page; the bulk API asks the same permission of a session): staff holding
    catalog.change_product. Staff alone is not enough: a sales agent is staff but must not rewrite the catalog."""
    user = getattr(user, "user", user)
    return bool(getattr(user, "is_staff", False) and user.is_active and user.has_perm(IMPORT_PERMISSION))


def stock_display_for(user) -> str | None:
    """How a reader sees stock on cards and pages: staff (admins, agents acting for a dealer) the exact figure
    (catalog.availability.EXACT); dealers what STOCK_DISPLAY allows (None)."""
    from .availability import EXACT

    return EXACT if getattr(user, "is_staff", False) else None
