"""Error codes of support (DomainError subclasses)."""
