"""Tables of pricing, one module per part: price lists, campaigns and payment adjustments (prices.py); quotes with
their lines, sent revisions and status history (quotes.py)."""
from .prices import (  # noqa: F401
    Campaign,
    CampaignQuerySet,
    PaymentAdjustment,
    PriceList,
    PriceListItem,
    PriceListQuerySet,
)
from .quotes import (  # noqa: F401
    QUOTE,
    QUOTE_TRANSITIONS,
    DeliveryMethod,
    Quote,
    QuoteLine,
    QuoteQuerySet,
    QuoteRevision,
    QuoteStatus,
    QuoteStatusChange,
)

__all__ = [
    "Campaign", "CampaignQuerySet", "PaymentAdjustment", "PriceList", "PriceListItem", "PriceListQuerySet",
    "QUOTE", "QUOTE_TRANSITIONS", "DeliveryMethod", "Quote", "QuoteLine", "QuoteQuerySet", "QuoteRevision",
    "QuoteStatus", "QuoteStatusChange",
]
