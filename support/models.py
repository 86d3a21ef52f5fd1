"""Tables of support."""
