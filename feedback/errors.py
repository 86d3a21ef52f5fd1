"""Error codes of feedback (DomainError subclasses)."""
