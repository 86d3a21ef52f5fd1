"""Who may do what in orders."""
