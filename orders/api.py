"""REST API of orders."""
