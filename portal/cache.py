"""Django's Redis cache, with one Redis client object per connection pool instead of a new one per operation.

redis.Redis objects are thread-safe (they borrow connections from the pool), but building one fills a table of
some 800 response callbacks: Django builds one for every cache get and set, which cost a catalog page served from
the cache about a millisecond of its few.

The cache fails open: with Redis unreachable a read is a miss and a write is skipped, so every page works from the
database (slower) instead of answering 500. The outage is logged once per CACHE_OUTAGE_LOG_SECONDS; for a few
seconds after a failure Redis is not asked at all (no connect attempt per cache call). Keys whose write or delete
was skipped are deleted when Redis answers again (and skipped increments, such as the catalog version, are made
then), so no value written before the outage outlives a change made during it (in this process)."""
import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
_MISSED_LIMIT = 10000


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._last_logged = 0.0
        self._missed_keys = set()  # (key, version) written or deleted while Redis was away
        self._missed_incrs = []  # (key, delta, version)

    # -- outage bookkeeping -------------------------------------------------------------------------------------
    def _skip(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, operation, exc) -> None:
        now = time.monotonic()
        self._down_until = now + getattr(settings, "CACHE_RETRY_AFTER_SECONDS", 5)
        if now - self._last_logged >= getattr(settings, "CACHE_OUTAGE_LOG_SECONDS", 60):
            self._last_logged = now
            log.warning("Cache unavailable (%s: %s: %s): serving without it", operation, type(exc).__name__, exc)

    def _miss_write(self, keys, version) -> None:
        with self._lock:
            if len(self._missed_keys) < _MISSED_LIMIT:
                self._missed_keys.update((key, version) for key in keys)

    def _recovered(self) -> None:
        """Redis answers again: forget what was changed while it was away (first call after the outage)."""
        if not (self._missed_keys or self._missed_incrs):
            return
        with self._lock:
            keys, self._missed_keys = self._missed_keys, set()
            incrs, self._missed_incrs = self._missed_incrs, []
        incremented = {(key, version) for key, _, version in incrs}
        try:
            for key, version in keys - incremented:  # a skipped increment is made, not reset
                super().delete(key, version=version)
            for key, delta, version in incrs:
                try:
                    super().incr(key, delta, version=version)
                except ValueError:
                    pass
            log.warning("Cache available again: %s keys forgotten, %s increments made", len(keys), len(incrs))
        except OUTAGE_ERRORS as exc:
            with self._lock:
                self._missed_keys.update(keys)
                self._missed_incrs.extend(incrs)
            self._failed("recover", exc)
            raise

    def _call(self, name, operation, fallback, keys=(), version=None, incr=None):
        if not self._skip():
            try:
                self._recovered()
                return operation()
            except OUTAGE_ERRORS as exc:
                self._failed(name, exc)
        if keys:
            self._miss_write(keys, version)
        if incr and len(self._missed_incrs) < _MISSED_LIMIT:
            with self._lock:
                self._missed_incrs.append(incr)
        return fallback()

    # -- reads are misses ---------------------------------------------------------------------------------------
    def get(self, key, default=None, version=None):
        return self._call("get", lambda: super(PortalRedisCache, self).get(key, default, version), lambda: default)

    def get_many(self, keys, version=None):
        return self._call("get_many", lambda: super(PortalRedisCache, self).get_many(keys, version), dict)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: super(PortalRedisCache, self).has_key(key, version), lambda: False)

    # -- writes are skipped (and their keys forgotten on recovery) ----------------------------------------------
    def add(self, key, value, timeout=None, version=None):
        return self._call("add", lambda: super(PortalRedisCache, self).add(key, value, timeout, version),
                          lambda: False)  # a skipped add leaves nothing stale

    def set(self, key, value, timeout=None, version=None):
        return self._call("set", lambda: super(PortalRedisCache, self).set(key, value, timeout, version),
                          lambda: None, [key], version)

    def set_many(self, data, timeout=None, version=None):
        return self._call("set_many", lambda: super(PortalRedisCache, self).set_many(data, timeout, version),
                          lambda: [], list(data), version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", lambda: super(PortalRedisCache, self).touch(key, timeout, version), lambda: False)

    def delete(self, key, version=None):
        return self._call("delete", lambda: super(PortalRedisCache, self).delete(key, version),
                          lambda: False, [key], version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._call("delete_many", lambda: super(PortalRedisCache, self).delete_many(keys, version),
                          lambda: None, keys, version)

    def incr(self, key, delta=1, version=None):
        """Unreachable Redis: ValueError, as for a missing key (callers then set a fresh value, itself skipped);
        the increment is made when Redis answers again."""
        def unavailable():
            raise ValueError(f"Key '{key}' not found (cache unavailable)")

        return self._call("incr", lambda: super(PortalRedisCache, self).incr(key, delta, version), unavailable,
                          incr=(key, delta, version))

    def clear(self):
        return self._call("clear", lambda: super(PortalRedisCache, self).clear(), lambda: False)


class KeptValues:
    """Values that never change under their key, kept in the process in front of the cache (issue 18).

    For keys that hold a version every write bumps (catalog.search.catalog_version, which starts from the clock
    when Redis lost it, so an old number never comes back): the value under such a key is the same for its whole
    life, so a process may keep it and skip the Redis round trip and the unpickling. Only immutable values (plain
    tuples, strings, numbers): every reader gets the same object. Bounded: emptied at `max_entries`. While the
    cache is unreachable nothing is kept or served from here (versions are then made up per request)."""

    def __init__(self, max_entries: int, *, weigh=None, max_weight: int | None = None):
        """`weigh(value)` and `max_weight`: bounded by the values' total weight as well (e.g. the number of rows)."""
        self.max_entries, self.weigh, self.max_weight = max_entries, weigh, max_weight
        self._values = {}
        self._weight = 0
        _ALL_KEPT.append(self)

    def get(self, key):
        from django.core.cache import cache

        value = self._values.get(key)
        if value is not None:
            if not _down(cache):
                return value
            self.clear()
        value = cache.get(key)
        if value is not None and not _down(cache):
            self._keep(key, value)
        return value

    def set(self, key, value, timeout) -> None:
        from django.core.cache import cache

        cache.set(key, value, timeout)
        if not _down(cache):
            self._keep(key, value)

    def _keep(self, key, value) -> None:
        weight = self.weigh(value) if self.weigh is not None else 0
        if len(self._values) >= self.max_entries or (
                self.max_weight is not None and self._weight + weight > self.max_weight):
            self.clear()
        self._values[key] = value
        self._weight += weight

    def clear(self) -> None:
        self._values.clear()
        self._weight = 0


_ALL_KEPT: list[KeptValues] = []


def _down(cache) -> bool:
    skip = getattr(cache, "_skip", None)
    return bool(skip and skip())


def forget_kept_values(**kwargs) -> None:
    """Tests that change settings or empty the cache start without values kept in the process."""
    for kept in _ALL_KEPT:
        kept.clear()


# --- What every page reads, in one round trip ---------------------------------------------------------------------

def _declare_request_reads():
    from . import hooks

    return hooks.point(
        "portal.request_reads", args=("request",),
        doc="Cache keys a GET of this request will read (a list): read together at its first such read "
            "(portal.cache.request_value).")


request_reads = _declare_request_reads()
_SAFE_METHODS = ("GET", "HEAD")


def request_value(request, key):
    """The cached value under `key` (None when there is none) for this request (issue 18).

    A page of a signed-in dealer user reads a few keys every time (the current terms, the cart's line count, the
    catalog version): the apps name them on the point portal.request_reads, and the first of them a GET asks for
    reads them all in one round trip (as they were when the request began; a GET writes none of them). Other
    methods, and keys no app named, are read when asked."""
    from django.core.cache import cache

    if request is None:
        return cache.get(key)
    ahead = request.__dict__.get("_read_ahead")
    if ahead is None:
        ahead = request._read_ahead = _read_ahead(request)
    if key in ahead:
        return ahead[key]
    return cache.get(key)


def _read_ahead(request) -> dict:
    from django.core.cache import cache

    if request.method not in _SAFE_METHODS:
        return {}
    keys = list(dict.fromkeys(key for answer in request_reads.collect(request=request) for key in answer or ()))
    if len(keys) < 2:  # no round trip to save
        return {}
    found = cache.get_many(keys)
    return {key: found.get(key) for key in keys}
