"""HTML views of support."""
