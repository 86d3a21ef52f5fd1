"""REST API of support."""
