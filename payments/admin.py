"""Django admin of payments."""
