"""Django admin of pricing."""
