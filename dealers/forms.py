"""HTML forms of dealers: field validation only, then a service."""
