"""Reads of dealers shared by pages and API."""
