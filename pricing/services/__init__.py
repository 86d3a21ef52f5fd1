"""Every write and every rule of pricing: the price engine's entry points (prices are computed only by
pricing/engine/: the cart, quotes, orders and the API call `price_lines` / `price_products` from there), the quote
lifecycle (quotes.py: request, accept, reject, the quote's lock and move; quote_drafts.py: prepare and send;
quote_inputs.py: input cleaning; quote_figures.py: arithmetic and the frozen snapshot; quote_pdf.py: the PDF;
quote_jobs.py: the beat jobs) and the import's price rows (price_imports.py, catalog.import_writer)."""
from ..engine import PricedLine, PriceTotals, Rule, price_lines, price_products, summarize
from .price_imports import upsert_price_rows, write_price_rows
from .quote_drafts import draft_defaults, send_quote, start_draft, update_quote
from .quote_jobs import expire_quotes, remind_expiring_quotes
from .quotes import (
    HEADER_FIELDS,
    QuoteLineInput,
    accept_quote,
    lock_quote,
    move_quote,
    notify_dealer,
    ordering_available,
    reject_quote,
    request_quote,
    site_url,
)

__all__ = [
    "PricedLine", "PriceTotals", "Rule", "price_lines", "price_products", "summarize",
    "upsert_price_rows", "write_price_rows",
    "HEADER_FIELDS", "QuoteLineInput", "accept_quote", "draft_defaults", "expire_quotes", "lock_quote", "move_quote",
    "notify_dealer", "ordering_available", "reject_quote", "remind_expiring_quotes", "request_quote", "send_quote",
    "site_url", "start_draft", "update_quote",
]
