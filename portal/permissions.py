"""Permission helpers shared by every app."""


def dealer_id_of(user):
    """The dealer a user belongs to (None for staff and anonymous users)."""
    return getattr(user, "dealer_id", None) if getattr(user, "is_authenticated", False) else None


def can_read_document(user, document) -> bool:
    """The permission function its kind registered for the document's owner (an invoice's, a quote's, ...)."""
    from .documents import may_download

    return may_download(user, document.kind, document.owner)
