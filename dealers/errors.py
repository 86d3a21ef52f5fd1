"""Error codes of dealers (DomainError subclasses)."""
