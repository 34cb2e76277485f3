"""`Idempotency-Key` on POST: a retry creates nothing new and gets the first answer; a reused key is a 409."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from alliance_portal.idempotency import purge_idempotency_keys
from alliance_portal.models import IdempotencyKey
from alliance_portal.tasks import purge_old_idempotency_keys
from members.api import SiteViewSet
from members.models import ApiKey, RiskArea, Site

from .api_helpers import key_client, login
from .members.factories import make_api_key

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db

SITES = "/api/v1/sites/"
SITE = {"name_zh": "三号工厂", "name_en": "Plant 3", "province": "hubei", "city": "武汉"}


def post(client, data, key, path=SITES):
    return client.post(path, data, content_type="application/json", headers={"Idempotency-Key": key})


@pytest.fixture
def writer(org):
    _key, raw = make_api_key(org, scope=ApiKey.Scope.WRITE)
    return key_client(raw)


def test_retry_returns_the_first_answer_and_creates_one_row(writer, org):
    first = post(writer, SITE, "retry-1")
    second = post(writer, SITE, "retry-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Site.objects.filter(organisation=org).count() == 1
    assert IdempotencyKey.objects.get().response_status == 201


def test_same_key_with_a_different_body_is_409_and_creates_nothing(writer, org):
    post(writer, SITE, "retry-2")

    response = post(writer, {**SITE, "name_en": "Plant 4"}, "retry-2")

    assert response.status_code == 409
    assert "already used for a different request" in response.json()["detail"]
    assert list(Site.objects.values_list("name_en", flat=True)) == ["Plant 3"]


def test_same_key_on_another_endpoint_is_409(secretariat, org):
    client = login(secretariat)
    post(client, {**SITE, "organization": org.slug}, "shared")

    response = post(
        client,
        {"province": "hubei", "city": "武汉", "level": "high", "effective_date": "2020-01-23"},
        "shared",
        path="/api/v1/risk-areas/",
    )

    assert response.status_code == 409
    assert not RiskArea.objects.exists()


def test_without_a_key_every_post_creates(writer):
    writer.post(SITES, SITE, content_type="application/json")
    writer.post(SITES, SITE, content_type="application/json")

    assert Site.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_keys_are_per_caller(org):
    _a, raw_a = make_api_key(org, scope=ApiKey.Scope.WRITE, name="a")
    _b, raw_b = make_api_key(org, scope=ApiKey.Scope.WRITE, name="b")

    post(key_client(raw_a), SITE, "same-key")
    post(key_client(raw_b), SITE, "same-key")

    assert Site.objects.count() == 2


def test_a_refused_request_is_not_remembered(writer):
    refused = post(writer, {**SITE, "province": "atlantis"}, "fix-and-retry")
    fixed = post(writer, SITE, "fix-and-retry")
    replayed = post(writer, SITE, "fix-and-retry")

    assert refused.status_code == 400
    assert fixed.status_code == replayed.status_code == 201
    assert replayed.json() == fixed.json()
    assert Site.objects.count() == 1


def test_a_refusal_by_permission_is_not_remembered(org_member, org_admin):
    # Keys are per caller, so the admin's use of the key is a first use.
    refused = post(login(org_member), SITE, "k")
    accepted = post(login(org_admin), SITE, "k")

    assert (refused.status_code, accepted.status_code) == (403, 201)
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.parametrize("bad_key", ["", "   ", "x" * 256])
def test_malformed_key_is_400_naming_the_header(bad_key, writer):
    response = post(writer, SITE, bad_key)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Site.objects.exists()


def test_keys_older_than_a_day_are_purged(writer):
    post(writer, SITE, "old")
    post(writer, {**SITE, "name_en": "Plant 5"}, "new")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))

    assert purge_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_purge_task_runs_the_purge(writer):
    post(writer, SITE, "old")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(days=2))

    assert purge_old_idempotency_keys.delay().get() == 1
    assert not IdempotencyKey.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections writing at once (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_once(org, monkeypatch):
    _key, raw = make_api_key(org, scope=ApiKey.Scope.WRITE)
    slow_create = SiteViewSet.perform_create

    def perform_create(self, serializer):
        time.sleep(0.5)  # both copies are in flight together
        slow_create(self, serializer)

    monkeypatch.setattr(SiteViewSet, "perform_create", perform_create)
    start = threading.Barrier(2)
    responses = []

    def send():
        try:
            start.wait()
            responses.append(post(key_client(raw), SITE, "sent-twice"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in responses) == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert Site.objects.count() == 1
