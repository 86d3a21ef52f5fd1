"""Django's Redis cache, with one Redis client object per connection pool instead of a new one per operation.

redis.Redis objects are thread-safe (they borrow connections from the pool), but building one fills a table of
some 800 response callbacks: Django builds one for every cache get and set, which cost a catalog page served from
the cache about a millisecond of its few. Behaviour is otherwise Django's own backend."""
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
