"""Reads of pricing shared by pages and API."""
