"""Partner authentication (`Authorization: Bearer <api key>`), who the caller is, and what it may do."""

from dataclasses import dataclass, field

from axes.helpers import get_client_ip_address
from django.contrib.auth.models import AnonymousUser
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from members.models import ApiKey, Organisation, hash_api_key
from members.rules import GOOD_STANDING, Actor, actor_for_key, actor_for_user

from . import key_cache, key_lockout, throttling
from .throttling import KeyRateThrottle

# Organisations whose keys work and whose users may write (members.rules.GOOD_STANDING).
WRITING_STATUSES = GOOD_STANDING


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


def _client_address(request) -> str:
    # The client's address as django-axes sees it (PROXY_COUNT honoured), so behind a proxy one guesser does not
    # lock out every partner.
    return get_client_ip_address(request._request) or ""


class _KeyHistoryRequest:
    """What simple_history sees of a request made with an API key: no user, since a key has no user row."""

    user = AnonymousUser()

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key


def _record_history_as_key(request, api_key: ApiKey) -> None:
    # simple_history takes the author of a change from the request's user, and assigning an ApiKeyUser to its
    # user foreign key would fail: changes made with a key are recorded with no user and the key as the reason
    # (see _name_key_in_history). Only when its middleware set the context for this very request, so the
    # middleware also clears it when the request ends.
    if getattr(HistoricalRecords.context, "request", None) is request._request:
        HistoricalRecords.context.request = _KeyHistoryRequest(api_key)


@receiver(pre_create_historical_record)
def _name_key_in_history(sender, history_instance, **kwargs):
    context_request = getattr(HistoricalRecords.context, "request", None)
    if isinstance(context_request, _KeyHistoryRequest) and not history_instance.history_change_reason:
        key = context_request.api_key
        history_instance.history_change_reason = f"API key {key.prefix} ({key.name})"[:100]


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        address = _client_address(request)
        raw_key = header[1] if len(header) == 2 else ""
        prefix = key_cache.prefix_of(raw_key)
        # One round trip to the cache for the address's failures, the key (alliance_portal.key_cache) and the key's
        # request budget (throttling.KeyRateThrottle, counted here and taken back if the key fails).
        lockout_key = key_lockout.cache_key(address)
        budget = KeyRateThrottle.precount(prefix) if prefix is not None else None
        found, counts = throttling.read_and_count(
            [lockout_key] if prefix is None else [lockout_key, key_cache.cache_key(prefix)],
            [budget[2]] if budget is not None else [],
        )

        def refuse(message) -> exceptions.AuthenticationFailed:
            if budget is not None:
                throttling.uncount(budget[2][0])
            return exceptions.AuthenticationFailed(message)

        if key_lockout.is_locked_out(address, cached=found.get(lockout_key)):
            raise refuse(_("Too many failed API key attempts from this address; try later."))
        if len(header) != 2:
            raise refuse(_("Malformed Authorization header: use 'Bearer <api key>'."))
        api_key = None
        if prefix is not None:
            api_key = key_cache.from_cached(found.get(key_cache.cache_key(prefix))) or key_cache.load(prefix)
        if api_key is None or not self._proves(api_key, raw_key):
            key_lockout.record_failure(address)
            raise refuse(_("Invalid or revoked API key."))
        if budget is not None:
            request._request.precounted_throttles = {budget[0]: (budget[1], *counts[0])}
        now = timezone.now()
        # Written at most once a minute per key, so a busy partner does not turn every read into a write.
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
            key_cache.refresh(api_key)
        _record_history_as_key(request, api_key)
        return ApiKeyUser(api_key), api_key

    @staticmethod
    def _proves(api_key: ApiKey, raw_key: str) -> bool:
        """The raw key is this key's (its hash), and the key's organisation may use the API."""
        if not constant_time_compare(api_key.key_hash, hash_api_key(raw_key)):
            return False
        return api_key.organisation.status in WRITING_STATUSES

    def authenticate_header(self, request):
        return self.keyword


@dataclass(frozen=True)
class Caller:
    """Who is calling the API, reduced to what the permission rules need."""

    is_staff: bool
    organisation: Organisation | None
    # May change its organisation's own records (profile, sites): an org admin or a write-scope key.
    can_edit: bool
    # May file records for its organisation (requests, commitments, pledges): admin, member or write key.
    can_write: bool
    api_key: ApiKey | None = None
    user_id: int | None = None
    # The same caller as the services know it (members.rules.Actor).
    actor: Actor = field(default_factory=Actor)

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.pk if self.organisation is not None else None

    @property
    def identity(self) -> str:
        """A stable name for the caller, e.g. to keep its idempotency keys apart from everyone else's."""
        return f"key:{self.api_key.pk}" if self.api_key is not None else f"user:{self.user_id}"


def get_caller(request) -> Caller:
    """The caller of this request; computed once per request (one query for a session user's membership).

    What it may do comes from members.rules (the Actor the services check), never from a copy of the rule."""
    cached = getattr(request, "_portal_caller", None)
    if cached is not None:
        return cached
    user = request.user
    # The authentication refuses keys of suspended or withdrawn organisations; their users may still sign in and
    # read their own record, but write nothing.
    actor = actor_for_key(user.api_key) if isinstance(user, ApiKeyUser) else actor_for_user(user)
    caller = Caller(
        is_staff=actor.is_secretariat,
        organisation=actor.organisation,
        can_edit=actor.can_edit,
        can_write=actor.can_write,
        api_key=actor.api_key,
        user_id=user.pk if actor.api_key is None and actor.user is not None else None,
        actor=actor,
    )
    request._portal_caller = caller
    return caller


class HasScope(permissions.BasePermission):
    """Signed in (session or key); an API key needs the write scope for anything but reading."""

    message = _("This API key has the read scope only.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(request.auth, ApiKey):
            return request.auth.can_write
        return True


class IsStaffOrReadOnly(permissions.BasePermission):
    """Everyone signed in reads; only the secretariat writes (members.rules: Actor.is_secretariat)."""

    message = _("Only the secretariat can change this.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or get_caller(request).actor.is_secretariat


class CanEditOwnOrganisation(permissions.BasePermission):
    """Writes need the secretariat, an administrator of the organisation, or a write-scope key, of an organisation
    in good standing (members.rules: Actor.can_edit; the 403 says the rule's reason, e.g. a suspended organisation).

    Which records are the caller's is settled by the view's queryset first, so another organisation's record
    is a 404 before this is asked about it: on a single record the question waits for the object. The services
    ask the same rule again.
    """

    message = _("Only an administrator of your organisation can change this.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or getattr(view, "detail", False):
            return True
        return self._may_edit(request)

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or self._may_edit(request)

    def _may_edit(self, request) -> bool:
        actor = get_caller(request).actor
        if actor.can_edit:
            return True
        refusal = actor.refusal(admin=True)
        if refusal is not None:
            self.message = refusal.message  # type: ignore[assignment]  # a lazy message, like the class default
        return False
