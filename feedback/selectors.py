"""Reads of feedback shared by pages and API."""
