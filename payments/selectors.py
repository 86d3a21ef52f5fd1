"""Reads of payments shared by pages and API."""
