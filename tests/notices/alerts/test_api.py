"""`/api/v1/webhooks/` and `/api/v1/alerts/` against every role: an organisation manages its own endpoints and reads
its own delivery log; another organisation's is a 404; reading roles cannot write; the secretariat sees all."""

import pytest

from notices import events
from notices.alerts.models import Alert, Channel, Event, WebhookEndpoint
from supply import events as supply_events
from tests.api_helpers import API_ROLES, api_client

from .sinks import HttpSink

pytestmark = pytest.mark.django_db

WEBHOOKS = "/api/v1/webhooks/"
ALERTS = "/api/v1/alerts/"
EDITORS = {"secretariat", "org_admin", "write_key"}
OWN = {"org_admin", "org_member", "org_viewer", "read_key", "write_key"}
STRANGERS = {"other_user", "no_org_user"}


@pytest.fixture
def endpoint(org):
    return WebhookEndpoint.objects.create(organisation=org, url="https://erp.org.example/hook", description="ERP")


@pytest.fixture
def foreign_endpoint(other_org):
    return WebhookEndpoint.objects.create(organisation=other_org, url="https://other.example/hook")


@pytest.fixture
def alerts(org, other_org):
    event = Event.objects.create(name=supply_events.SUPPLY_REQUEST_APPROVED, payload={"material": "Argon"})
    own = Alert.objects.create(event=event, organisation=org, channel=Channel.EMAIL, email="ops@org.example")
    Alert.objects.create(
        event=event, organisation=org, channel=Channel.EMAIL, email="x@org.example", status=Alert.Status.FAILED
    )
    foreign = Alert.objects.create(event=event, organisation=other_org, channel=Channel.EMAIL, email="a@other.example")
    return own, foreign


def expected(role, editors=EDITORS, ok=200):
    if role == "anonymous":
        return 401
    if role in STRANGERS:
        return 404
    return ok if role in editors else 403


@pytest.mark.parametrize("role", API_ROLES)
def test_list_webhooks_shows_own_endpoints_only(role, request, endpoint, foreign_endpoint):
    response = api_client(role, request).get(WEBHOOKS)
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    urls = {e["url"] for e in response.json()["results"]}
    if role == "secretariat":
        assert urls == {endpoint.url, foreign_endpoint.url}
    elif role in OWN:
        assert urls == {endpoint.url}
    elif role == "other_user":
        assert urls == {foreign_endpoint.url}
    else:
        assert urls == set()
    assert all("secret" not in e for e in response.json()["results"])


@pytest.mark.parametrize("role", API_ROLES)
def test_create_webhook(role, request, org, other_org):
    body = {"url": "https://erp.example.com/alliance", "event_types": [events.NOTICE_PUBLISHED]}
    if role == "secretariat":
        body["organization"] = org.slug
    response = api_client(role, request).post(WEBHOOKS, body, content_type="application/json")
    if role == "anonymous":
        assert response.status_code == 401
    elif role in EDITORS or role == "other_user":
        assert response.status_code == 201, response.content
        data = response.json()
        created = WebhookEndpoint.objects.get(pk=data["id"])
        assert data["secret"] == created.secret and len(created.secret) >= 32
        assert created.organisation == (other_org if role == "other_user" else org)
        assert created.event_types == [events.NOTICE_PUBLISHED]
    else:
        assert response.status_code == 403
        assert not WebhookEndpoint.objects.exists()


def test_cannot_create_a_webhook_for_another_organisation(request, other_org):
    body = {"url": "https://erp.example.com/a", "organization": other_org.slug}
    response = api_client("org_admin", request).post(WEBHOOKS, body, content_type="application/json")
    assert response.status_code == 400 and "organization" in response.json()


def test_secretariat_must_name_the_organisation(request):
    response = api_client("secretariat", request).post(
        WEBHOOKS, {"url": "https://erp.example.com/a"}, content_type="application/json"
    )
    assert response.status_code == 400 and "organization" in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://erp.example.com/a"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://erp.example.com/a", "event_types": ["no.such.event"]}, "event_types"),
    ],
)
def test_bad_webhook_is_a_400_naming_the_field(request, org, body, field):
    response = api_client("org_admin", request).post(WEBHOOKS, body, content_type="application/json")
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("role", API_ROLES)
def test_update_webhook(role, request, endpoint):
    response = api_client(role, request).patch(
        f"{WEBHOOKS}{endpoint.pk}/", {"description": "ERP (new)"}, content_type="application/json"
    )
    assert response.status_code == expected(role)
    endpoint.refresh_from_db()
    assert (endpoint.description == "ERP (new)") == (response.status_code == 200)


@pytest.mark.parametrize("role", API_ROLES)
def test_delete_deactivates_the_webhook(role, request, endpoint):
    response = api_client(role, request).delete(f"{WEBHOOKS}{endpoint.pk}/")
    assert response.status_code == expected(role, ok=204)
    endpoint.refresh_from_db()
    assert endpoint.active == (response.status_code != 204)


@pytest.mark.parametrize("role", API_ROLES)
def test_read_the_secret(role, request, endpoint):
    response = api_client(role, request).get(f"{WEBHOOKS}{endpoint.pk}/secret/")
    assert response.status_code == expected(role)
    if response.status_code == 200:
        assert response.json() == {"secret": endpoint.secret}


@pytest.mark.parametrize("role", API_ROLES)
def test_test_delivery(role, request, org):
    with HttpSink() as sink:
        endpoint = WebhookEndpoint.objects.create(organisation=org, url=sink.url + "/hook")
        response = api_client(role, request).post(f"{WEBHOOKS}{endpoint.pk}/test/")
        assert response.status_code == expected(role)
        if response.status_code == 200:
            data = response.json()
            assert data["delivered"] is True and data["status_code"] == 200
            (received,) = sink.requests
            assert received.headers["X-Alliance-Event"] == "webhook.test"
            assert received.headers["X-Alliance-Delivery"] == data["delivery_id"]
        else:
            assert sink.requests == []
    assert not Alert.objects.exists()  # a test delivery is not an alert


def test_test_delivery_reports_a_refusal(request, org):
    with HttpSink(status=500) as sink:
        endpoint = WebhookEndpoint.objects.create(organisation=org, url=sink.url + "/hook")
        data = api_client("org_admin", request).post(f"{WEBHOOKS}{endpoint.pk}/test/").json()
    assert data["delivered"] is False and "500" in data["error"]


@pytest.mark.parametrize("role", API_ROLES)
def test_alert_log_shows_own_alerts(role, request, alerts):
    own, foreign = alerts
    response = api_client(role, request).get(ALERTS)
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    ids = {a["delivery_id"] for a in response.json()["results"]}
    if role == "secretariat":
        assert len(ids) == 3
    elif role in OWN:
        assert str(own.delivery_id) in ids and str(foreign.delivery_id) not in ids and len(ids) == 2
    else:
        assert str(own.delivery_id) not in ids
    detail = api_client(role, request).get(f"{ALERTS}{own.delivery_id}/")
    assert detail.status_code == (200 if role == "secretariat" or role in OWN else 404)


def test_alert_log_filters(request, alerts):
    client = api_client("org_viewer", request)
    assert len(client.get(ALERTS + "?status=failed").json()["results"]) == 1
    assert (
        len(client.get(ALERTS + f"?event={supply_events.SUPPLY_REQUEST_APPROVED}&channel=email").json()["results"]) == 2
    )
    assert client.get(ALERTS + "?channel=webhook").json()["results"] == []
    assert client.get(ALERTS + "?status=nonsense").status_code == 400
    row = client.get(ALERTS + "?status=failed").json()["results"][0]
    assert row["event"] == supply_events.SUPPLY_REQUEST_APPROVED and row["destination"] == "x@org.example"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_alert_log_is_read_only(request, alerts, method):
    own, _foreign = alerts
    client = api_client("org_admin", request)
    url = ALERTS if method == "post" else f"{ALERTS}{own.delivery_id}/"
    assert getattr(client, method)(url, {}, content_type="application/json").status_code == 405


def test_wrong_method_on_webhooks(request, endpoint):
    client = api_client("org_admin", request)
    assert client.delete(WEBHOOKS).status_code == 405
    assert client.get(f"{WEBHOOKS}{endpoint.pk}/test/").status_code == 405
    assert client.post(f"{WEBHOOKS}{endpoint.pk}/secret/").status_code == 405


def test_read_key_cannot_post_to_the_alert_log(request, alerts):
    assert api_client("read_key", request).post(ALERTS, {}).status_code == 403
