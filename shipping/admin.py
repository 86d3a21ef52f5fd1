"""Django admin of shipping."""
