"""Pages of shipping, one module per subject: methods.py (the dealer's shipping methods), shipments.py (the dealer's
shipments, delivery reports), documents.py (waybill PDF, e-İrsaliye XML), webhooks.py (carriers' tracking calls)."""
