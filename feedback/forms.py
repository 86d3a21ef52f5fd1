"""HTML forms of feedback: field validation only, then a service."""
