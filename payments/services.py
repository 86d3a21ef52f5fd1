"""Every write and every rule of payments."""
