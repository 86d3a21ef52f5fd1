"""The catalog's prices, asked of the hook points in catalog/hooks.py. Pricing is a later stage than the catalog, so
the catalog does not import it: the pricing app registers its engine on `catalog.price_provider` and
`catalog.price_context_key` when it starts (pricing.apps.PricingConfig.ready).

A provider is `provider(*, actor, products, quantities, on, version) -> dict[product_id, PricedLine]`, see
pricing/engine/lines.py for PricedLine."""
from . import hooks


def price_context_key(*, actor, version) -> str | None:
    """None: prices cannot be cached (no provider says what they depend on). `version`: the catalog version.
    Otherwise a key that changes whenever a price the actor sees may change, apart from the catalog version (which
    every price write bumps); pages cache a dealer's prices under it."""
    return hooks.price_context_key.call(actor=actor, version=version)


def prices_for(*, actor, products, quantities=None, on=None, version=None) -> dict:
    """Prices of `products` for the actor's dealer (empty when there is no dealer, or no provider). `version`: the
    catalog version read in this request, when the caller has it (the provider may then use what it keeps under it
    instead of asking the database)."""
    if actor is None or getattr(actor, "dealer", None) is None:
        return {}
    return hooks.price_provider.call(actor=actor, products=products, quantities=quantities, on=on, version=version)
