from unittest import mock

import pytest
from django.test import Client, override_settings


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_up():
    response = Client().get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["database"] == "ok"
    # Embedded mode has no broker (tasks run in process); CI points REDIS_URL at a real Redis.
    assert body["broker"] in ("ok", "eager")
    assert body["down"] == []


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_says_degraded_and_names_redis_when_the_broker_is_down():
    """Redis away is degraded, not down: the pages and the API still answer, alerts wait in the outbox."""
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"] == "down"
    assert body["degraded"] == ["redis"]
    assert body["down"] == []


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_is_down():
    with mock.patch("alliance_portal.views.connection.cursor", side_effect=Exception("connection refused")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert "database" in response.json()["down"]


@pytest.mark.django_db
def test_healthz_refuses_post():
    assert Client().post("/healthz").status_code == 405
