"""Partner authentication: `Authorization: Bearer <api key>`, and scope-based permission."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from rest_framework import authentication, exceptions, permissions

from members.models import ApiKey, hash_api_key


class ApiKeyUser:
    """The caller behind an API key: it acts for the key's organisation, never as a person."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    is_active = True
    pk = None
    id = None

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.organisation = api_key.organisation
        self.username = f"api-key:{api_key.prefix}"

    def __str__(self) -> str:
        return self.username


def _failure_cache_key(request) -> str:
    return f"api-key-failures:{request.META.get('REMOTE_ADDR', '')}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        cache_key = _failure_cache_key(request)
        if cache.get(cache_key, 0) >= settings.API_KEY_FAILURE_LIMIT:
            raise exceptions.AuthenticationFailed("Too many failed API key attempts from this address; try later.")
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: use 'Bearer <api key>'.")
        raw_key = header[1]
        api_key = self._lookup(raw_key)
        if api_key is None:
            cache.add(cache_key, 0, timeout=int(settings.AXES_COOLOFF_TIME * 3600))
            cache.incr(cache_key)
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        now = timezone.now()
        # Written at most once a minute per key, so a busy partner does not turn every read into a write.
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return ApiKeyUser(api_key), api_key

    @staticmethod
    def _lookup(raw_key: str) -> ApiKey | None:
        parts = raw_key.split("_")
        if len(parts) < 3 or parts[0] != "ap":
            return None
        api_key = ApiKey.objects.live().select_related("organisation").filter(prefix=parts[1]).first()
        if api_key is None or not constant_time_compare(api_key.key_hash, hash_api_key(raw_key)):
            return None
        if api_key.organisation.status not in ("active", "pending"):
            return None
        return api_key

    def authenticate_header(self, request):
        return self.keyword


class HasScope(permissions.BasePermission):
    """Signed in (session or key); an API key needs the write scope for anything but reading."""

    message = "This API key has the read scope only."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(request.auth, ApiKey):
            return request.auth.can_write
        return True
