"""Reads of orders shared by pages and API."""
