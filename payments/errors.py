"""Error codes of payments (DomainError subclasses)."""
