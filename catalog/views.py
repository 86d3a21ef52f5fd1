"""HTML views of catalog."""
