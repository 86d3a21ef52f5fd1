"""Pages of support: dealer.py (the dealer's tickets), desk.py (the support desk), faq.py, satisfaction.py, metrics.py."""
