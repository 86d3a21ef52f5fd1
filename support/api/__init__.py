"""REST API of support: tickets.py (/api/v1/me/tickets/), faq.py."""
