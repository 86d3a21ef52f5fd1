"""HTML views of pricing."""
