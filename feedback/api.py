"""REST API of feedback."""
