"""HTML forms of catalog: field validation only, then a service."""
