"""HTML forms of shipping: field validation only, then a service."""
