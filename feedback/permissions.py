"""Who may do what in feedback."""
