"""HTML forms of payments: field validation only, then a service."""
