"""The shared cache, degraded rather than down when Redis is away.

Everything the portal keeps in the cache can be lost or recomputed (throttle windows, short-lived look-ups): a
cache that cannot reach Redis answers as an empty cache — a read misses, a write is dropped — instead of failing
the request. After a failure Redis is not tried again for REDIS_RETRY_SECONDS, so a dead server costs one timeout,
not one per call. Rules that must not fail open (the API-key lockout) keep their own count in the database.
"""

import logging
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_down_until = 0.0


def redis_caches(url: str, *, timeout: float = 1.0) -> dict:
    """The CACHES setting for a Redis at `url` (settings.py and the Redis-away tests both use it)."""
    return {
        "default": {
            "BACKEND": "alliance_portal.cache.FailOpenRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


def redis_cache_available() -> bool:
    return time.monotonic() >= _down_until


def _mark_down(error: Exception) -> None:
    global _down_until
    if redis_cache_available():
        logger.warning("Cache unreachable, serving without it for a while: %s", error)
    _down_until = time.monotonic() + getattr(settings, "REDIS_RETRY_SECONDS", 10)


def _fail_open(method_name: str, fallback):
    method = getattr(RedisCache, method_name)

    def wrapper(self, *args, **kwargs):
        if not redis_cache_available():
            return fallback(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as error:
            _mark_down(error)
            return fallback(*args, **kwargs)

    wrapper.__name__ = method_name
    wrapper.__doc__ = method.__doc__
    return wrapper


def _default(key, default=None, *args, **kwargs):
    return default


def _delta(key, delta=1, *args, **kwargs):
    return delta


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one `redis.Redis` per connection pool: Django's own makes a new one (its
    options, its response callbacks) for every cache call, a tenth of a millisecond each; the pool, which holds the
    connections and is safe across threads and forks, is the same."""

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    get = _fail_open("get", _default)
    get_many = _fail_open("get_many", lambda keys, *a, **k: {})
    get_or_set = _fail_open("get_or_set", lambda key, default, *a, **k: default() if callable(default) else default)
    has_key = _fail_open("has_key", lambda *a, **k: False)
    set = _fail_open("set", lambda *a, **k: None)
    set_many = _fail_open("set_many", lambda data, *a, **k: list(data))
    add = _fail_open("add", lambda *a, **k: False)
    touch = _fail_open("touch", lambda *a, **k: False)
    incr = _fail_open("incr", _delta)
    decr = _fail_open("decr", lambda key, delta=1, *a, **k: -delta)
    delete = _fail_open("delete", lambda *a, **k: False)
    delete_many = _fail_open("delete_many", lambda *a, **k: None)
    clear = _fail_open("clear", lambda *a, **k: False)
