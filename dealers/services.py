"""Every write and every rule of dealers."""
