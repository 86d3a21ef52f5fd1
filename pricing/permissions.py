"""Who may do what in pricing."""
