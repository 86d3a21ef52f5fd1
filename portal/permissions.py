"""Permission helpers shared by every app."""


def dealer_id_of(user):
    """The dealer a user belongs to (None for staff and anonymous users)."""
    return getattr(user, "dealer_id", None) if getattr(user, "is_authenticated", False) else None


def can_read_document(user, document) -> bool:
    """Staff read every document; a dealer's users read only their own dealer's."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    return document.dealer_id is not None and document.dealer_id == dealer_id_of(user)
