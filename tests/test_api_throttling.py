"""Throttling per key, per user and for writes: past the rate, a 429 with Retry-After; reads and other callers go on."""

import pytest

from alliance_portal.throttling import KeyRateThrottle, UserRateThrottle, WriteRateThrottle

from .api_helpers import api_client

pytestmark = pytest.mark.django_db

RATES = {"anon": "100/minute", "key": "3/minute", "user": "100/minute", "write": "2/minute"}


@pytest.fixture(autouse=True)
def low_rates(monkeypatch):
    for throttle in (KeyRateThrottle, UserRateThrottle, WriteRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", RATES)


def test_writes_past_the_write_rate_get_429_with_retry_after_and_reads_go_on(request):
    client = api_client("secretariat", request)
    answers = [client.post("/api/v1/risk-areas/", {}, content_type="application/json") for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [400, 400]
    assert answers[2].status_code == 429
    assert int(answers[2]["Retry-After"]) > 0
    assert "detail" in answers[2].json()
    assert client.get("/api/v1/risk-areas/").status_code == 200


def test_a_key_past_its_rate_gets_429_while_another_caller_does_not(request):
    key = api_client("read_key", request)
    answers = [key.get("/api/v1/organizations/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert api_client("org_admin", request).get("/api/v1/organizations/").status_code == 200
