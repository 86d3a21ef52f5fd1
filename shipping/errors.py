"""Error codes of shipping (DomainError subclasses)."""
