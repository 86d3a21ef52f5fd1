"""Who may do what in dealers."""
