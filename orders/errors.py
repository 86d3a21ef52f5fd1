"""Error codes of orders (DomainError subclasses)."""
