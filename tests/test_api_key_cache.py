"""A partner's key is read from the cache (alliance_portal.key_cache): no query to authenticate a request, and a
revocation or a suspension still takes effect on the next request; at the latest API_KEY_CACHE_SECONDS after it when
the cache could not be told."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance_portal import key_cache
from members import services
from members.rules import actor_for_user

from .api_helpers import key_client
from .members.factories import make_api_key

pytestmark = pytest.mark.django_db(transaction=True)  # the cache is also told when the change commits

LIST = "/api/v1/risk-areas/"


def key_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return [q["sql"] for q in queries if "members_apikey" in q["sql"]]


def test_a_known_key_costs_no_query_after_its_first_request(org):
    _key, raw = make_api_key(org)
    client = key_client(raw)

    assert len(key_queries(client)) == 2  # read, and the once-a-minute last-used note
    assert key_queries(client) == []
    assert key_queries(client) == []


def test_a_revoked_key_is_refused_on_the_next_request(org, org_admin):
    key, raw = make_api_key(org)
    client = key_client(raw)
    assert client.get(LIST).status_code == 200

    services.api_key_revoke(actor=actor_for_user(org_admin), api_key=key)

    assert client.get(LIST).status_code == 401


def test_a_suspended_organisations_key_is_refused_on_the_next_request(org, secretariat):
    _key, raw = make_api_key(org)
    client = key_client(raw)
    assert client.get(LIST).status_code == 200

    services.organisation_suspend(actor=actor_for_user(secretariat), organisation=org)

    assert client.get(LIST).status_code == 401


def test_a_revocation_the_cache_missed_takes_effect_within_the_documented_seconds(org, org_admin, monkeypatch):
    key, raw = make_api_key(org)
    client = key_client(raw)
    assert client.get(LIST).status_code == 200
    stale = cache.get(key_cache.cache_key(key.prefix))
    services.api_key_revoke(actor=actor_for_user(org_admin), api_key=key)
    # The cache was away when the key was revoked: its old entry is still there when it comes back.
    cache.set(key_cache.cache_key(key.prefix), stale)
    now = stale[0]

    monkeypatch.setattr(key_cache.time, "time", lambda: now + key_cache.seconds() - 1)
    assert client.get(LIST).status_code == 200
    monkeypatch.setattr(key_cache.time, "time", lambda: now + key_cache.seconds() + 1)
    assert client.get(LIST).status_code == 401


def test_noting_the_last_use_does_not_keep_an_entry_alive(org, monkeypatch):
    key, raw = make_api_key(org)
    client = key_client(raw)
    assert client.get(LIST).status_code == 200
    read_at = cache.get(key_cache.cache_key(key.prefix))[0]

    monkeypatch.setattr(key_cache.time, "time", lambda: read_at + 5)
    key_cache.refresh(key_cache.from_cached(cache.get(key_cache.cache_key(key.prefix))))

    assert cache.get(key_cache.cache_key(key.prefix))[0] == read_at


def test_a_wrong_secret_with_a_cached_prefix_is_refused(org):
    key, raw = make_api_key(org)
    assert key_client(raw).get(LIST).status_code == 200

    assert key_client(f"ap_{key.prefix}_not-the-secret").get(LIST).status_code == 401
