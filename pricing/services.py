"""Every write and every rule of pricing.

Prices themselves are computed only by the price engine (pricing/engine/): the cart, quotes, orders and
the API call `price_lines` / `price_products` from there; nothing else computes a price."""
from .engine import PricedLine, PriceTotals, Rule, price_lines, price_products, summarize

__all__ = ["PricedLine", "PriceTotals", "Rule", "price_lines", "price_products", "summarize"]
