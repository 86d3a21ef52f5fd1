"""Every write and every rule of pricing."""
