"""Reads of support shared by pages and API."""
