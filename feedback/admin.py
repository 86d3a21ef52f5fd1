"""Django admin of feedback."""
