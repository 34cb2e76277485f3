"""Throttling per key, per user and for writes: past the rate, a 429 with Retry-After; reads and other callers go on."""

import os

import pytest

from alliance_portal.throttling import KeyRateThrottle, UserRateThrottle, WriteRateThrottle

from .api_helpers import api_client, key_client
from .members.factories import make_api_key

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


def test_wrong_secrets_under_a_keys_prefix_do_not_spend_its_budget(org):
    # The key's budget is counted with its authentication, in the same round trip; a request that fails to
    # authenticate takes its count back, so nobody who has only seen a key's prefix can use up its budget.
    _key, raw = make_api_key(org)
    ap, prefix, _secret = raw.split("_", 2)
    wrong = key_client(f"{ap}_{prefix}_{'x' * 43}")
    assert [wrong.get("/api/v1/organizations/").status_code for _ in range(3)] == [401, 401, 401]
    right = key_client(raw)
    assert [right.get("/api/v1/organizations/").status_code for _ in range(4)] == [200, 200, 200, 429]


# The sliding window, on the cache the suite runs with (Redis in CI, the local memory cache otherwise) and on
# Redis whenever it answers: a budget of 10 a minute, the clock moved by hand.
class _Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def _throttle(clock: _Clock):
    throttle = KeyRateThrottle()
    throttle.timer = clock
    throttle.rate, (throttle.num_requests, throttle.duration) = "10/minute", (10, 60)
    return throttle


class _Request:
    def __init__(self, pk: int):
        from members.models import ApiKey

        self.auth = ApiKey(pk=pk, prefix=f"key{pk}")
        self.user = None
        self.method = "GET"


def _allowed(clock: _Clock, times: int, pk: int = 1) -> list[bool]:
    return [_throttle(clock).allow_request(_Request(pk), None) for _ in range(times)]


def _caches(settings):
    from alliance_portal import cache as portal_cache

    yield "the suite's cache"
    if os.environ.get("REDIS_URL"):
        return  # the suite's cache is Redis already
    settings.CACHES = portal_cache.redis_caches("redis://127.0.0.1:6379/15", timeout=0.5)
    portal_cache._down_until = 0.0
    if not portal_cache.redis_cache_available() or not _redis_answers():
        return
    from django.core.cache import cache

    cache.clear()
    yield "Redis"


def _redis_answers() -> bool:
    from django.core.cache import cache

    cache.set("throttle-probe", 1)
    return cache.get("throttle-probe") == 1


def test_the_window_slides_a_full_budget_waits_and_a_refusal_costs_nothing(db, settings):
    for _cache in _caches(settings):
        start = 1_000_040.0  # 20 s into a minute's window (they begin at multiples of 60 s)
        clock = _Clock(start)
        assert _allowed(clock, 11) == [True] * 10 + [False]
        refused = _throttle(clock)
        assert refused.allow_request(_Request(1), None) is False
        # This window is full: the wait reaches past its end (40 s), and 6 s into the next the 10 weigh 9.
        assert 45 < refused.wait() <= 47
        # Another key has its own budget.
        assert _allowed(clock, 1, pk=2) == [True]
        # 5 s into the next window the 10 still weigh 9.2: nothing fits; 7 s in, they weigh 8.8: one more fits.
        clock.now = start + 45
        assert _allowed(clock, 1) == [False]
        clock.now = start + 47
        assert _allowed(clock, 2) == [True, False]
        # Refusals were not counted: at the start of the window after, only that one request weighs.
        clock.now = start + 100
        assert _allowed(clock, 10) == [True] * 9 + [False]


def test_with_the_cache_away_every_request_is_let_through(db, settings):
    from alliance_portal import cache as portal_cache

    settings.CACHES = portal_cache.redis_caches("redis://127.0.0.1:1/0", timeout=0.5)
    portal_cache._down_until = 0.0
    clock = _Clock(1_000_020.0)
    assert _allowed(clock, 12) == [True] * 12
