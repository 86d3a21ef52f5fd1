"""Who may do what in payments."""
