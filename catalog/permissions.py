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
