"""Every write and every rule of pricing: the price engine's entry points (prices are computed only by
pricing/engine/: the cart, quotes, orders and the API call `price_lines` / `price_products` from there), and the
quote lifecycle (quotes.py: request, accept, reject and the order maker hook; quote_drafts.py: prepare and send;
quote_inputs.py: input cleaning; quote_figures.py: arithmetic and the frozen snapshot; quote_pdf.py: the PDF;
quote_jobs.py: the beat jobs)."""
from ..engine import PricedLine, PriceTotals, Rule, price_lines, price_products, summarize
from .quote_drafts import draft_defaults, send_quote, start_draft, update_quote
from .quote_jobs import expire_quotes, remind_expiring_quotes
from .quotes import (
    QuoteLineInput,
    accept_quote,
    get_order_maker,
    ordering_available,
    register_order_maker,
    reject_quote,
    request_quote,
)

__all__ = [
    "PricedLine", "PriceTotals", "Rule", "price_lines", "price_products", "summarize",
    "QuoteLineInput", "accept_quote", "draft_defaults", "expire_quotes", "get_order_maker", "ordering_available",
    "register_order_maker", "reject_quote", "remind_expiring_quotes", "request_quote", "send_quote", "start_draft",
    "update_quote",
]
