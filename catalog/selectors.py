"""Reads of catalog shared by pages and API."""
