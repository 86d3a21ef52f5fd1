"""The catalog's hook for prices. Pricing is a later stage than the catalog, so the catalog does not import
it: the pricing app registers its price engine here when it starts (pricing.apps.PricingConfig.ready).

A provider is `provider(*, actor, products, quantities=None, on=None) -> dict[product_id, PricedLine]`,
see pricing/engine/lines.py for PricedLine."""

_provider = None
_context_key = None


def register_price_provider(provider, *, context_key=None) -> None:
    """`context_key(*, actor, version) -> str`: changes whenever a price the actor sees may change, apart from the
    catalog version (which every price write bumps); pages cache a dealer's prices under it."""
    global _provider, _context_key
    _provider, _context_key = provider, context_key


def price_context_key(*, actor, version) -> str | None:
    """None: prices cannot be cached (no provider says what they depend on). `version`: the catalog version."""
    return _context_key(actor=actor, version=version) if _context_key is not None else None


def prices_for(*, actor, products, quantities=None, on=None) -> dict:
    """Prices of `products` for the actor's dealer (empty when there is no dealer, or no provider yet)."""
    if _provider is None or actor is None or getattr(actor, "dealer", None) is None:
        return {}
    return _provider(actor=actor, products=products, quantities=quantities, on=on)
