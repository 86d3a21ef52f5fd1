"""Django admin of catalog."""
