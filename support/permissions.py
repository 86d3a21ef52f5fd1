"""Who may do what in support."""
