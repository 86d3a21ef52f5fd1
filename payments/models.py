"""Tables of payments."""
