"""What a cached page of prices depends on, so the catalog can cache a dealer's rendered results safely.

Every write to prices (lists, rows, campaigns and their scopes, payment adjustments) bumps the catalog version,
like product writes do (pricing/signals.py); bulk imports bump it themselves. Campaigns start and end at any moment:
the key holds the next start or end after now, so it changes the moment a campaign begins or ends. Price lists are
valid by day: the key holds the date. The same campaign windows tell the engine when no campaign runs at all
(campaign_may_run): a catalog page then does not ask for the dealer's campaigns.
"""
from __future__ import annotations

import bisect

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from catalog.search import catalog_version

from ..models import Campaign

EDGES_SECONDS = 3600


# {version: (windows, edges)} of the newest catalog version seen (one entry).
_windows_memo: dict = {}


def _campaign_windows(version) -> tuple[tuple, list[float]]:
    """((starts_at, ends_at) of each active campaign, sorted; the sorted start and end moments as timestamps) under
    this catalog version: kept in the process and in the cache, read from the database once per version."""
    memo = _windows_memo.get(version)
    if memo is not None:
        return memo
    key = f"pricing:campaign-windows:{version}"
    windows = cache.get(key)
    if windows is None:
        windows = tuple(sorted(Campaign.objects.filter(active=True).values_list("starts_at", "ends_at")))
        cache.set(key, windows, EDGES_SECONDS)
    memo = (windows, sorted({moment.timestamp() for pair in windows for moment in pair}))
    _windows_memo.clear()  # only the newest version is worth keeping
    _windows_memo[version] = memo
    return memo


def _campaign_edges(version) -> list[float]:
    return _campaign_windows(version)[1]


def campaign_may_run(*, on, version) -> bool:
    """False when no active campaign runs at `on` under this catalog version (the version the caller read in this
    request): then no campaign can price a line and the engine need not ask for the dealer's campaigns. Every
    campaign write bumps the version when it commits, and a campaign that starts or ends later is in the windows,
    so this never misses a running campaign nor keeps an ended one (pricing/tests/test_campaign_windows.py)."""
    return any(starts_at <= on < ends_at for starts_at, ends_at in _campaign_windows(version)[0])


def forget_campaign_windows(sender=None, **kwargs) -> None:
    """A campaign saved or deleted in this process: its windows are read again at once, not only once the
    version is bumped after the commit (a transaction that writes a campaign and then prices sees its campaign;
    tests, whose transactions never commit, too)."""
    _windows_memo.clear()
    cache.delete(f"pricing:campaign-windows:{catalog_version()}")


# Connected when the engine is first imported (PricingConfig.ready), next to pricing/signals.py's version bump.
post_save.connect(forget_campaign_windows, sender=Campaign, weak=False, dispatch_uid="pricing-campaign-windows-save")
post_delete.connect(forget_campaign_windows, sender=Campaign, weak=False, dispatch_uid="pricing-campaign-windows-del")


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
