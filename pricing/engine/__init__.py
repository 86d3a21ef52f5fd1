"""The one price engine: every price the portal shows or charges (product page, cart, quote, order, API) comes
from `price_lines`. The rules and their order are written down in docs/pricing.md.

It prices many lines at once in a fixed number of queries, whatever the number of lines:
products (1, skipped for catalog cards that carry them), candidate price-list rows with their lists (1), running
campaigns open to the dealer with their product and category scopes (1), the payment adjustment (1, only with a
payment method).

lines.py holds what goes in and comes out, loading.py the queries, rules.py the rules for one line,
price.py the entry points and context.py what a cached page of prices depends on.
"""
from .context import price_context_key  # noqa: F401
from .lines import (  # noqa: F401
    AppliedCampaign,
    Break,
    PricedLine,
    PriceTotals,
    Rule,
    format_quantity,
    summarize,
    to_quantity,
)
from .price import price_lines, price_products  # noqa: F401
