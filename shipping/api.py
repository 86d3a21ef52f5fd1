"""REST API of shipping."""
