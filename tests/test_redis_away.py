"""Degraded, not down: with Redis (cache and broker) unreachable, pages and the API keep answering, reads and
writes; a write whose event cannot be queued still commits and answers 2xx, its alerts waiting in the outbox for
the re-queue; /healthz says "degraded" and names Redis.

Redis is "stopped" here by pointing the cache and the broker at a port where nothing listens (connection refused,
as for a stopped server); the flows run with Celery not eager, as in production.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from alliance_portal import cache as portal_cache
from alliance_portal.celery import app
from members.models import ApiKey, Membership
from notices.alerts.models import Alert
from supply.models import SupplyRequest

from .members.factories import ContactFactory, MembershipFactory, SiteFactory, UserFactory, make_api_key
from .supply.factories import FabFactory

NOWHERE = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_away(settings):
    settings.REDIS_URL = NOWHERE
    # Changing CACHES resets Django's cache handlers (django.test.signals).
    settings.CACHES = portal_cache.redis_caches(NOWHERE, timeout=0.5)
    portal_cache._down_until = 0.0
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "broker_connection_timeout")}
    saved_policy = app.conf.task_publish_retry_policy
    app.conf.update(
        task_always_eager=False,
        broker_url=NOWHERE,
        broker_connection_timeout=0.5,
        task_publish_retry_policy={"max_retries": 0},
    )
    app._pool = None
    yield
    app.conf.update(**saved, task_publish_retry_policy=saved_policy)
    app._pool = None


@pytest.fixture
def fab(db):
    fab = FabFactory()
    ContactFactory(organisation=fab, email="ops@fab.example", receives_alerts=True)
    return fab


def _body(site) -> dict:
    return {
        "site": site.pk,
        "category": "photoresist",
        "material": "KrF photoresist",
        "un_number": "UN1866",
        "quantity": "50",
        "unit": "L",
        "needed_by": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "days_of_stock": 2,
        "urgency": "critical",
        "submit": True,
    }


@pytest.mark.django_db(transaction=True)
def test_a_partner_reads_and_writes_with_redis_away_and_the_alerts_wait_in_the_outbox(redis_away, fab, secretariat):
    site = SiteFactory(organisation=fab)
    _key, raw = make_api_key(fab, scope=ApiKey.Scope.WRITE, name="erp")
    client = Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})

    assert client.get("/api/v1/supply-requests/").status_code == 200
    response = client.post("/api/v1/supply-requests/", _body(site), content_type="application/json")
    assert response.status_code == 201, response.content
    created = SupplyRequest.objects.get(pk=response.json()["id"])
    assert created.status == SupplyRequest.Status.SUBMITTED
    # The event's alerts were written with the change and wait, pending, for the periodic re-queue.
    pending = Alert.objects.filter(event__object_id=str(created.pk), status=Alert.Status.PENDING)
    assert pending.exists()
    assert client.get(f"/api/v1/supply-requests/{created.pk}/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_bad_keys_are_still_refused_with_redis_away(redis_away, fab):
    client = Client(headers={"Authorization": "Bearer ap_nothing_here", "Accept-Language": "en"})
    assert client.get("/api/v1/supply-requests/").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_pages_answer_with_redis_away(redis_away, fab):
    user = UserFactory()
    MembershipFactory(user=user, organisation=fab, role=Membership.Role.ADMIN)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    for path in ("/", "/supply/requests/", "/notices/", "/org/"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    health = Client().get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["degraded"] == ["redis"]


@pytest.mark.django_db(transaction=True)
def test_the_api_key_lockout_holds_with_redis_away(redis_away, fab, settings):
    settings.API_KEY_FAILURE_LIMIT = 3
    _key, raw = make_api_key(fab, scope=ApiKey.Scope.READ, name="erp")

    def from_address(token: str, address: str = "10.9.9.9") -> Client:
        return Client(headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"}, REMOTE_ADDR=address)

    for _ in range(3):
        assert from_address("ap_deadbeef_guess").get("/api/v1/supply-requests/").status_code == 401

    refused = from_address(raw).get("/api/v1/supply-requests/")
    elsewhere = from_address(raw, address="10.9.9.10").get("/api/v1/supply-requests/")

    assert refused.status_code == 401
    assert refused.json() == {"detail": "Too many failed API key attempts from this address; try later."}
    assert elsewhere.status_code == 200
