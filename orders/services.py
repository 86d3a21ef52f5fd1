"""Every write and every rule of orders."""
