"""The API key behind a prefix (with its organisation), kept in the cache for a short time, so that a partner's
request costs no query to authenticate.

- An entry lives at most `API_KEY_CACHE_SECONDS` (default 30) after it was read from the database; a hit older than
  that is read again, so a re-written entry (the last-used time) never stretches it.
- A change of the key (revoking it) or of its organisation (suspended, withdrawn, edited) deletes its entries at once
  and again when the change commits. A revocation therefore takes effect on the next request; if the cache could
  not be reached at that moment (alliance_portal.cache fails open), within `API_KEY_CACHE_SECONDS`.
- The key's secret is never cached, only its hash (as in the database); the caller still proves the key by
  comparing hashes on every request.
- With the cache away every request reads the key from the database, as before the cache.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from members.models import ApiKey, Organisation


def seconds() -> int:
    return int(getattr(settings, "API_KEY_CACHE_SECONDS", 30))


def cache_key(prefix: str) -> str:
    return f"api-key:{prefix}"


def prefix_of(raw_key: str) -> str | None:
    """The prefix of a raw key `ap_<prefix>_<secret>`, or None for something that is no key."""
    parts = raw_key.split("_")
    if len(parts) < 3 or parts[0] != "ap" or not parts[1]:
        return None
    return parts[1][: ApiKey.PREFIX_LENGTH + 1]


def from_cached(entry) -> ApiKey | None:
    """The key of a cache entry (what `cache.get(cache_key(prefix))` answered), or None when it is missing or too
    old."""
    if not isinstance(entry, tuple) or len(entry) != 2:
        return None
    read_at, api_key = entry
    if not isinstance(api_key, ApiKey) or time.time() - read_at > seconds():
        return None
    api_key._key_cache_read_at = read_at  # type: ignore[attr-defined]
    return api_key


def load(prefix: str) -> ApiKey | None:
    """The live key with this prefix from the database (with its organisation), put in the cache."""
    api_key = ApiKey.objects.live().select_related("organisation").filter(prefix=prefix).first()
    if api_key is not None:
        read_at = time.time()
        api_key._key_cache_read_at = read_at  # type: ignore[attr-defined]
        if seconds() > 0:
            cache.set(cache_key(prefix), (read_at, api_key), timeout=seconds())
    return api_key


def refresh(api_key: ApiKey) -> None:
    """Writes a changed copy of a cached key back (its last-used time), keeping the time it was read."""
    read_at = getattr(api_key, "_key_cache_read_at", None)
    if read_at is None:
        return
    remaining = int(read_at + seconds() - time.time())
    if remaining > 0:
        cache.set(cache_key(api_key.prefix), (read_at, api_key), timeout=remaining)


def forget(prefixes: list[str]) -> None:
    """Drops the cached keys of these prefixes, now and once the current transaction commits (so that a request
    reading the old row meanwhile cannot put it back for long)."""
    if not prefixes:
        return
    keys = [cache_key(prefix) for prefix in prefixes]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


@receiver(post_save, sender=ApiKey)
@receiver(post_delete, sender=ApiKey)
def _key_changed(sender, instance: ApiKey, raw: bool = False, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) == {"last_used_at"}:
        return  # the authentication's own once-a-minute note
    forget([instance.prefix])


@receiver(post_save, sender=Organisation)
def _organisation_changed(sender, instance: Organisation, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    forget(list(ApiKey.objects.filter(organisation_id=instance.pk).values_list("prefix", flat=True)))
