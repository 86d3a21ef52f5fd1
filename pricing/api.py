"""REST API of pricing."""
