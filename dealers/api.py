"""REST API of dealers."""
