"""HTML forms of pricing: field validation only, then a service."""
