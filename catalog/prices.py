"""The catalog's hook for prices. Pricing is a later stage than the catalog, so the catalog does not import
it: the pricing app registers its price engine here when it starts (pricing.apps.PricingConfig.ready).

A provider is `provider(*, actor, products, quantities=None, on=None) -> dict[product_id, PricedLine]`,
see pricing/engine/lines.py for PricedLine."""

_provider = None


def register_price_provider(provider) -> None:
    global _provider
    _provider = provider


def prices_for(*, actor, products, quantities=None, on=None) -> dict:
    """Prices of `products` for the actor's dealer (empty when there is no dealer, or no provider yet)."""
    if _provider is None or actor is None or getattr(actor, "dealer", None) is None:
        return {}
    return _provider(actor=actor, products=products, quantities=quantities, on=on)
