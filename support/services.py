"""Every write and every rule of support."""
