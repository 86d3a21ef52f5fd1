"""The catalog's hook points: how later stages (pricing) plug into the catalog without the catalog importing them.

- `catalog.price_provider(actor, products, quantities, on, version)`: one provider (pricing's engine) answers
  {product id: priced line} for the actor's dealer; with none registered the catalog shows no prices. `version`:
  the catalog version the caller read in this request (None: it did not), so the provider may use what it keeps per
  version.
- `catalog.price_context_key(actor, version)`: one provider says what a cached page of prices depends on besides the
  catalog version; with none registered prices are not cached.
- `catalog.import_writer(kind)`: every registered function answers the writer of an import kind its stage owns (prices:
  pricing), or None. A writer is `writer(parsed, errors, result, progress)` like the catalog's own handlers
  (catalog/imports/apply.py): it checks the parsed rows against the database, adds each problem with
  `catalog.imports.service.add_error`, writes nothing when there is any, counts created / updated / unchanged rows on
  `result` and calls `progress("writing", done)`. It runs inside the import's transaction; the import bumps the
  catalog version and writes the audit row.
- `catalog.card_extras(request, products)` (collect): {product id: HTML} shown on each product's card (feedback: the
  average stars and count); the product page asks for its own product too and shows it under the name.
- `catalog.product_panel(request, product)` (collect): HTML sections at the foot of the product page (feedback: its
  reviews).
"""
from portal import hooks


def _no_prices(*, actor, products, quantities, on, version):
    return {}


def _not_cached(*, actor, version):
    return None


price_provider = hooks.point(
    "catalog.price_provider", args=("actor", "products", "quantities", "on", "version"), single=True,
    default=_no_prices,
    doc="Prices of products for the actor's dealer: {product id: priced line} (pricing's engine).")

price_context_key = hooks.point(
    "catalog.price_context_key", args=("actor", "version"), single=True, default=_not_cached,
    doc="A key that changes whenever a price the actor sees may change besides the catalog version; None: no caching.")

import_writer = hooks.point(
    "catalog.import_writer", args=("kind",),
    doc="The writer(parsed, errors, result, progress) of an import kind a later stage owns (prices), else None.")

card_extras = hooks.point(
    "catalog.card_extras", args=("request", "products"),
    doc="{product id: HTML} on each product's card (feedback: average stars and count), in the cached list (keyed "
        "by language, user and prices): it may change only with the catalog version (bump it when it changes).")

product_panel = hooks.point(
    "catalog.product_panel", args=("request", "product"),
    doc="HTML (or \"\") of a section at the foot of the product page (feedback: the product's reviews).")
