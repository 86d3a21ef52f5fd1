"""HTML forms of orders: field validation only, then a service."""
