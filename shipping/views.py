"""HTML views of shipping."""
