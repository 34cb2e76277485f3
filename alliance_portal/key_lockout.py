"""How many bad API keys one address sent lately, and whether it is locked out.

A failure is rare, so each one is counted in the database (ApiKeyFailures, the truth) and copied to the cache. The
check on every request reads the cache (one cheap look-up); only when the cache is away (alliance_portal.cache
fails open, a miss) does it read the database instead, so a Redis outage does not open the door to unlimited
guessing.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .cache import redis_cache_available
from .models import ApiKeyFailures


def _window() -> timedelta:
    return timedelta(hours=settings.AXES_COOLOFF_TIME)


def cache_key(address: str) -> str:
    return f"api-key-failures:{address}"


_ASK = object()


def is_locked_out(address: str, *, cached=_ASK) -> bool:
    """`cached`: the cache's answer for cache_key(address) when the caller already asked (None for a miss)."""
    count = cache.get(cache_key(address)) if cached is _ASK else cached
    # A miss with the cache away (alliance_portal.cache answers as empty) says nothing: ask the database.
    if count is None and not redis_cache_available():
        row = ApiKeyFailures.objects.filter(address=address, window_started_at__gt=timezone.now() - _window()).first()
        count = row.failures if row is not None else 0
    return (count or 0) >= settings.API_KEY_FAILURE_LIMIT


def record_failure(address: str) -> int:
    """Counts one bad key from `address`; returns the count in the current window."""
    now = timezone.now()
    window_start = now - _window()
    address = address[: ApiKeyFailures._meta.get_field("address").max_length]
    with transaction.atomic():
        updated = ApiKeyFailures.objects.filter(address=address, window_started_at__gt=window_start).update(
            failures=F("failures") + 1
        )
        if not updated:
            # No row, or one whose window is over: this failure starts a new window.
            try:
                with transaction.atomic():
                    ApiKeyFailures.objects.update_or_create(
                        address=address, defaults={"failures": 1, "window_started_at": now}
                    )
            except IntegrityError:
                # Another request created the row at the same moment: count on it.
                ApiKeyFailures.objects.filter(address=address).update(failures=F("failures") + 1)
        row = ApiKeyFailures.objects.get(address=address)
    remaining = row.window_started_at + _window() - now
    cache.set(cache_key(address), row.failures, timeout=max(1, int(remaining.total_seconds())))
    return row.failures


def purge_expired_failures() -> int:
    deleted, _details = ApiKeyFailures.objects.filter(window_started_at__lte=timezone.now() - _window()).delete()
    return deleted
