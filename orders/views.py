"""HTML views of orders."""
