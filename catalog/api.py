"""REST API of catalog."""
