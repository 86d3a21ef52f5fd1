"""Every write and every rule of feedback."""
