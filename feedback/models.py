"""Tables of feedback."""
