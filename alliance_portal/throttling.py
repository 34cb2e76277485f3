"""API throttling: per key, per signed-in user, and a stricter scoped rate for writes; 429 with Retry-After.

Rates are settings (API_KEY_RATE, API_USER_RATE, API_WRITE_RATE, API_ANON_RATE) and documented in the README.
Windows live in the cache; with the cache away (see alliance_portal/cache.py) throttling is off rather than the API.
"""

from rest_framework.throttling import SimpleRateThrottle

from members.models import ApiKey


class _CallerThrottle(SimpleRateThrottle):
    def _ident(self, request) -> str | None:
        if isinstance(request.auth, ApiKey):
            return f"key-{request.auth.pk}"
        user = request.user
        if user is not None and user.is_authenticated:
            return f"user-{user.pk}"
        return None


class KeyRateThrottle(_CallerThrottle):
    """A partner's key: one budget for everything it does."""

    scope = "key"

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
