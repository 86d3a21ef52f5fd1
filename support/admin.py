"""Django admin of support."""
