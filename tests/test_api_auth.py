"""API keys: scope, revocation, brute-force refusal, last use."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from alliance_portal import key_cache, key_lockout
from alliance_portal.models import ApiKeyFailures
from members.models import ApiKey, Organisation

from .api_helpers import ENGLISH, key_client, login
from .members.factories import SiteFactory, UserFactory, make_api_key

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db

LIST = "/api/v1/organizations/"


def bearer(raw: str, address: str = "10.0.0.1") -> Client:
    return Client(headers={**ENGLISH, "Authorization": f"Bearer {raw}"}, REMOTE_ADDR=address)


def test_valid_key_reads(org):
    _key, raw = make_api_key(org)

    response = key_client(raw).get(LIST)

    assert response.status_code == 200
    assert org.slug in [row["slug"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ap_nope_nope", "Bearer not-a-key", "Bearer a b", "Token whatever"],
)
def test_missing_or_bad_credentials_are_401_with_bearer_challenge(header, db):
    headers = {**ENGLISH, "Authorization": header} if header else ENGLISH

    response = Client(headers=headers).get(LIST)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"]


def test_revoked_key_is_401(org):
    key, raw = make_api_key(org)
    key.revoke()

    response = key_client(raw).get(LIST)

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked API key."}


@pytest.mark.parametrize("status", [Organisation.Status.SUSPENDED, Organisation.Status.WITHDRAWN])
def test_key_of_suspended_or_withdrawn_organisation_is_401(status, org):
    _key, raw = make_api_key(org)
    org.status = status
    org.save()

    assert key_client(raw).get(LIST).status_code == 401


def test_read_key_cannot_write(org):
    _key, raw = make_api_key(org, scope=ApiKey.Scope.READ)
    client = key_client(raw)

    patched = client.patch(f"{LIST}{org.slug}/", {"name_en": "Nope"}, content_type="application/json")
    posted = client.post("/api/v1/sites/", {"name_zh": "厂", "province": "hubei", "city": "武汉"}, "application/json")

    assert patched.status_code == posted.status_code == 403
    assert patched.json() == {"detail": "This API key has the read scope only."}
    org.refresh_from_db()
    assert org.name_en == "Wuhan Test Fab Co."
    assert not org.sites.exists()


@override_settings(API_KEY_FAILURE_LIMIT=3)
def test_after_too_many_bad_keys_even_a_valid_key_is_refused_from_that_address(org):
    _key, raw = make_api_key(org)
    for _ in range(3):
        assert bearer("ap_deadbeef_guess").get(LIST).status_code == 401

    refused = bearer(raw).get(LIST)
    elsewhere = bearer(raw, address="10.0.0.2").get(LIST)

    assert refused.status_code == 401
    assert "Too many failed API key attempts" in refused.json()["detail"]
    assert elsewhere.status_code == 200


@override_settings(API_KEY_FAILURE_LIMIT=3)
def test_fewer_failures_than_the_limit_do_not_lock_out(org):
    _key, raw = make_api_key(org)
    for _ in range(2):
        bearer("ap_deadbeef_guess").get(LIST)

    assert bearer(raw).get(LIST).status_code == 200


def test_use_is_recorded_at_most_once_a_minute(org):
    key, raw = make_api_key(org)
    assert key.last_used_at is None

    key_client(raw).get(LIST)
    key.refresh_from_db()
    first_use = key.last_used_at
    key_client(raw).get(LIST)
    key.refresh_from_db()

    assert first_use is not None
    assert abs(timezone.now() - first_use) < timedelta(seconds=30)
    assert key.last_used_at == first_use

    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now() - timedelta(minutes=5))
    # Five minutes on, the key's cached copy (alliance_portal.key_cache, seconds long) has long expired.
    cache.delete(key_cache.cache_key(key.prefix))
    key_client(raw).get(LIST)
    key.refresh_from_db()
    assert timezone.now() - key.last_used_at < timedelta(seconds=30)


def test_session_user_without_an_organisation_reads_public_data_only(org, other_org):
    SiteFactory(organisation=org)
    client = login(UserFactory())

    organisations = client.get(LIST).json()["results"]
    sites = client.get("/api/v1/sites/").json()

    assert {row["slug"] for row in organisations} == {org.slug, other_org.slug}
    assert all("credit_code" not in row for row in organisations)
    assert sites["results"] == []
    assert client.post("/api/v1/sites/", {}, content_type="application/json").status_code == 403


@override_settings(API_KEY_FAILURE_LIMIT=3)
def test_the_lockout_survives_a_lost_cache_because_the_count_is_kept_in_the_database(org, monkeypatch):
    _key, raw = make_api_key(org)
    for _ in range(3):
        bearer("ap_deadbeef_guess").get(LIST)
    cache.clear()
    # The cache is away: alliance_portal.cache answers every read as a miss.
    monkeypatch.setattr(key_lockout, "redis_cache_available", lambda: False)

    assert bearer(raw).get(LIST).status_code == 401
    assert bearer(raw, address="10.0.0.2").get(LIST).status_code == 200


@override_settings(API_KEY_FAILURE_LIMIT=3)
def test_failures_older_than_the_cool_off_no_longer_count(org, monkeypatch):
    _key, raw = make_api_key(org)
    for _ in range(3):
        bearer("ap_deadbeef_guess").get(LIST)
    ApiKeyFailures.objects.update(
        window_started_at=timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, seconds=1)
    )
    cache.clear()
    monkeypatch.setattr(key_lockout, "redis_cache_available", lambda: False)

    assert bearer(raw).get(LIST).status_code == 200
    assert bearer("ap_deadbeef_guess").get(LIST).status_code == 401
    assert ApiKeyFailures.objects.get().failures == 1
    assert key_lockout.purge_expired_failures() == 0
