"""Tables of shipping."""
