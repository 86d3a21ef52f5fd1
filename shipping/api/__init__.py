"""REST API of shipping, one module per subject: quote.py (`POST /api/v1/me/shipping/quote/`), erp.py (the ERP creates
shipments and parcels), tracking.py (tracking events), dealer.py (the dealer's shipments), documents.py (waybill,
e-İrsaliye)."""
from .quote import ShippingQuoteView

__all__ = ["ShippingQuoteView"]
