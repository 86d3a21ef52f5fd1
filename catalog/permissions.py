"""Who may do what in catalog."""
