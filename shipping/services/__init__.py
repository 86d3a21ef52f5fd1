"""Every rule of shipping. rates.py prices shipping (`quote_shipping`, `available_methods`); see its doc for what a
charge is made of and which rate rule wins."""
from .rates import ShipLine, ShippingQuote, as_ship_lines, available_methods, methods_for, quote_shipping, total_weight

__all__ = ["ShipLine", "ShippingQuote", "as_ship_lines", "available_methods", "methods_for", "quote_shipping",
           "total_weight"]
