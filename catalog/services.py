"""Every write and every rule of catalog."""
