"""Error codes of pricing (DomainError subclasses)."""
