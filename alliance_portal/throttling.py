"""API throttling: per key, per signed-in user, per address for anonymous callers, and a stricter scoped rate for
writes; 429 with Retry-After.

Rates are settings (API_KEY_RATE, API_USER_RATE, API_WRITE_RATE, API_ANON_RATE) and documented in the README.
Windows live in the cache; with the cache away (see alliance_portal/cache.py) throttling is off rather than the API.

Each budget is counted in a sliding window estimated from two fixed windows (the window of the rate's length that
now falls in, and the one before it, weighted by how much of it still overlaps the last `duration` seconds), as
rate limiters at scale do: with Redis that is one round trip a request (INCR, EXPIRE and GET in a pipeline) and
two small integers, where DRF's own throttle reads and writes the list of every request's time in the window (a
partner at 1,200/minute would move 1,200 numbers twice a request). A refused request is not counted.
"""

import contextlib
import math

from django.core.cache import caches
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from members.models import ApiKey

from .cache import FailOpenRedisCache, _mark_down, redis_cache_available


def _count(current_key: str, previous_key: str, timeout: int) -> tuple[int, int]:
    """Adds one to the current window's count; answers (current count with this request, previous window's count).
    (0, 0) with the cache away: the request is let through."""
    return read_and_count([], [(current_key, previous_key, timeout)])[1][0]


def _count_locally(cache, current_key: str, previous_key: str, timeout: int) -> tuple[int, int]:
    """`_count` on a cache without Redis (the local memory cache of development and the tests)."""
    cache.add(current_key, 0, timeout)
    try:
        count = cache.incr(current_key)
    except ValueError:  # expired between add and incr
        cache.set(current_key, 1, timeout)
        count = 1
    return int(count), int(cache.get(previous_key) or 0)


def uncount(current_key: str) -> None:
    """Takes back the count of a refused request."""
    with contextlib.suppress(ValueError):  # expired meanwhile
        caches["default"].decr(current_key)


def read_and_count(keys: list[str], counters: list[tuple[str, str, int]]) -> tuple[dict, list[tuple[int, int]]]:
    """`cache.get_many(keys)` and `_count` of each counter (current key, previous key, timeout), in one round trip
    with Redis (the API key's authentication reads its key and counts its budget at once)."""
    cache = caches["default"]
    if not isinstance(cache, FailOpenRedisCache):
        return cache.get_many(keys), [_count_locally(cache, *counter) for counter in counters]
    away: list[tuple[int, int]] = [(0, 0)] * len(counters)
    if not redis_cache_available():
        return {}, away
    try:
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline(transaction=False)
        if keys:
            pipe.mget([cache.make_and_validate_key(key) for key in keys])
        for current, previous, timeout in counters:
            current_key = cache.make_and_validate_key(current)
            pipe.incr(current_key)
            pipe.expire(current_key, timeout)
            pipe.get(cache.make_and_validate_key(previous))
        results = pipe.execute()
    except (RedisError, OSError) as error:
        _mark_down(error)
        return {}, away
    values = {}
    if keys:
        loads = cache._cache._serializer.loads  # type: ignore[attr-defined]
        values = {key: loads(value) for key, value in zip(keys, results.pop(0), strict=True) if value is not None}
    counts = [(int(results[3 * i]), int(results[2 + 3 * i] or 0)) for i in range(len(counters))]
    return values, counts


class SlidingWindowThrottle(SimpleRateThrottle):
    """SimpleRateThrottle's rates and keys, counted in a sliding window of two counters (see the module). A request
    whose budget was already counted (by the API key's authentication, in its own round trip: `precount`) is not
    counted again."""

    wait_seconds: float = 0.0
    duration: int  # set from the rate by SimpleRateThrottle
    num_requests: int

    def counter(self, now: float) -> tuple[str, str, int]:
        """The cache keys of the current and the previous window of `self.key` at `now`, and their lifetime."""
        window = int(now // self.duration)
        return f"{self.key}:{window}", f"{self.key}:{window - 1}", 2 * self.duration + 1

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        precounted = getattr(request, "precounted_throttles", None) or {}
        if self.key in precounted:
            now, current, previous = precounted[self.key]
        else:
            now = self.timer()
            current, previous = _count(*self.counter(now))
        if current == 0:  # the cache is away
            return True
        window_start = int(now // self.duration) * self.duration
        elapsed = now - window_start
        overlap = 1 - elapsed / self.duration
        if previous * overlap + current <= self.num_requests:
            return True
        uncount(self.counter(now)[0])
        self.wait_seconds = self._wait(current - 1, previous, elapsed)
        return False

    def _wait(self, others: int, previous: int, elapsed: float) -> float:
        """Seconds until one more request fits: the previous window's weight falls as time goes on; when this
        window alone is full, past its end, where this window becomes the previous one."""
        duration, limit = self.duration, self.num_requests
        if others + 1 <= limit and previous > 0:
            # previous * (1 - (elapsed + t) / duration) + others + 1 <= limit
            return max(0.0, duration * (1 - (limit - others - 1) / previous) - elapsed)
        # After the window ends: others * (1 - t / duration) + 1 <= limit
        after = duration * (1 - (limit - 1) / others) if others > 0 else 0.0
        return duration - elapsed + max(0.0, after)

    def wait(self):
        return max(1, math.ceil(self.wait_seconds))


class AnonRateThrottle(SlidingWindowThrottle):
    """A caller without a key or a session, by its address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _CallerThrottle(SlidingWindowThrottle):
    def _ident(self, request) -> str | None:
        if isinstance(request.auth, ApiKey):
            return f"key-{request.auth.prefix}"
        user = request.user
        if user is not None and user.is_authenticated:
            return f"user-{user.pk}"
        return None


class KeyRateThrottle(_CallerThrottle):
    """A partner's key: one budget for everything it does (counted by the key's authentication: `precount`)."""

    scope = "key"

    @classmethod
    def precount(cls, prefix: str) -> "tuple[str, float, tuple[str, str, int]] | None":
        """For the key with this prefix, before it is authenticated: the throttle's cache key, the time and the
        counter to count in the authentication's own round trip (None when keys are not throttled). The count of a
        request that then fails to authenticate is taken back (`uncount`)."""
        throttle = cls()
        if throttle.rate is None:
            return None
        throttle.key = throttle.cache_format % {"scope": cls.scope, "ident": f"key-{prefix}"}
        now = throttle.timer()
        return throttle.key, now, throttle.counter(now)

    def get_cache_key(self, request, view):
        ident = self._ident(request)
        if ident is None or not ident.startswith("key-"):
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class UserRateThrottle(_CallerThrottle):
    """A person signed in through the browser session."""

    scope = "user"

    def get_cache_key(self, request, view):
        ident = self._ident(request)
        if ident is None or not ident.startswith("user-"):
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class WriteRateThrottle(_CallerThrottle):
    """Writes (POST, PUT, PATCH, DELETE) of any caller, on top of its general budget."""

    scope = "write"

    def get_cache_key(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        ident = self._ident(request)
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
