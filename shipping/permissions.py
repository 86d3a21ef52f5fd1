"""Who may do what in shipping."""
