"""HTML forms of support: field validation only, then a service."""
