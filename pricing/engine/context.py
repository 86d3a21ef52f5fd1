"""What a cached page of prices depends on, so the catalog can cache a dealer's rendered results safely.

Every write to prices (lists, rows, campaigns and their scopes, payment adjustments) bumps the catalog version,
like product writes do (pricing/signals.py); bulk imports bump it themselves. Campaigns start and end at any moment:
the key holds the next start or end after now, so it changes the moment a campaign begins or ends. Price lists are
valid by day: the key holds the date.
"""
from __future__ import annotations

import bisect

from django.core.cache import cache
from django.utils import timezone

from catalog.search import catalog_version

from ..models import Campaign

EDGES_SECONDS = 3600


_edges_memo: dict = {}


def _campaign_edges(version) -> list[float]:
    """Sorted start and end moments (timestamps) of active campaigns under this catalog version: kept in the
    process and in the cache, read from the database once per version."""
    edges = _edges_memo.get(version)
    if edges is not None:
        return edges
    key = f"pricing:campaign-edges:{version}"
    edges = cache.get(key)
    if edges is None:
        edges = sorted({moment.timestamp() for pair in Campaign.objects.filter(active=True).values_list(
            "starts_at", "ends_at") for moment in pair})
        cache.set(key, edges, EDGES_SECONDS)
    _edges_memo.clear()  # only the newest version is worth keeping
    _edges_memo[version] = edges
    return edges


def price_context_key(*, actor, on=None, version=None) -> str:
    """A key that changes whenever any price `actor` would see may change (besides the catalog version, which
    the caller adds): the dealer, its segment, the day and the next campaign edge."""
    dealer = getattr(actor, "dealer", None)
    on = on or timezone.now()
    if dealer is None:
        return f"market.{timezone.localdate(on).isoformat()}"
    edges = _campaign_edges(version if version is not None else catalog_version())
    position = bisect.bisect_right(edges, on.timestamp())
    following = edges[position] if position < len(edges) else "-"
    return f"{dealer.pk}.{dealer.segment_id}.{dealer.status}.{timezone.localdate(on).isoformat()}.{following}"
