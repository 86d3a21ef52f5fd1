"""Every write and every rule of shipping."""
