"""Error codes of catalog (DomainError subclasses)."""
