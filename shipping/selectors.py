"""Reads of shipping shared by pages and API."""
