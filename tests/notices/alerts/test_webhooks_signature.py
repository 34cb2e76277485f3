"""Partner webhooks as a receiver sees them (signature checked with the README's recipe), and the robots' formats."""

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction

from notices.alerts import emit
from notices.alerts import services as alert_services
from notices.alerts.channels import robots
from notices.alerts.channels.webhook import url_problem
from notices.alerts.models import Alert, Channel, ChatRobot, Event, WebhookEndpoint
from supply import events as supply_events
from tests.members.factories import OrganisationFactory

from .sinks import HttpSink

pytestmark = pytest.mark.django_db


def receiver_for(secret: str, seen: set):
    """A partner's receiver, written only from the README: verify, refuse stale, drop repeats."""

    def check(request):
        timestamp = request.headers["X-Alliance-Timestamp"]
        expected = hmac.new(secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
        given = request.headers["X-Alliance-Signature"].removeprefix("sha256=")
        if not hmac.compare_digest(expected, given) or abs(time.time() - int(timestamp)) > 300:
            return 401, {"error": "bad signature"}
        delivery = request.headers["X-Alliance-Delivery"]
        if delivery in seen:
            return 200, {"duplicate": True}
        seen.add(delivery)
        return 200, {"ok": True}

    return check


def test_receiver_verifies_the_signature_with_the_documented_recipe(django_capture_on_commit_callbacks):
    org = OrganisationFactory(slug="erp-partner")
    seen: set[str] = set()
    with HttpSink() as sink:
        endpoint = WebhookEndpoint.objects.create(organisation=org, url=sink.url + "/alliance")
        sink.on_request = receiver_for(endpoint.secret, seen)
        payload = {"id": 5, "organisation": "erp-partner", "material": "光刻胶", "quantity": "5", "unit": "L"}
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            emit(supply_events.SUPPLY_REQUEST_APPROVED, payload=payload, organisation=org)
        (request,) = sink.requests
    alert = Alert.objects.get(channel=Channel.WEBHOOK)
    assert alert.status == Alert.Status.DELIVERED
    assert seen == {str(alert.delivery_id)}
    body = request.json()
    assert body == {
        "delivery_id": str(alert.delivery_id),
        "event": "supply_request.approved",
        "created_at": body["created_at"],
        "data": payload,
    }
    assert request.headers["X-Alliance-Event"] == "supply_request.approved"
    assert request.headers["Content-Type"].startswith("application/json")


def test_a_receiver_with_another_secret_refuses_and_the_alert_is_retried():
    org = OrganisationFactory()
    with HttpSink() as sink:
        endpoint = WebhookEndpoint.objects.create(organisation=org, url=sink.url + "/alliance")
        sink.on_request = receiver_for("not-the-secret", set())
        event = Event.objects.create(name=supply_events.SUPPLY_REQUEST_APPROVED, payload={})
        alert = Alert.objects.create(event=event, organisation=org, channel=Channel.WEBHOOK, webhook=endpoint)
        alert_services.alerts_deliver(alert_ids=[alert.pk])
    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == (Alert.Status.PENDING, 1)
    assert "401" in alert.last_error


def test_deactivated_endpoint_gets_nothing():
    org = OrganisationFactory()
    with HttpSink() as sink:
        endpoint = WebhookEndpoint.objects.create(organisation=org, url=sink.url + "/alliance")
        event = Event.objects.create(name=supply_events.SUPPLY_REQUEST_APPROVED, payload={})
        alert = Alert.objects.create(event=event, organisation=org, channel=Channel.WEBHOOK, webhook=endpoint)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
        alert_services.alerts_deliver(alert_ids=[alert.pk])
        assert sink.requests == []


def test_redirect_is_not_followed():
    org = OrganisationFactory()
    with HttpSink(status=302) as sink:
        endpoint = WebhookEndpoint.objects.create(organisation=org, url=sink.url + "/moved")
        event = Event.objects.create(name=supply_events.SUPPLY_REQUEST_APPROVED, payload={})
        alert = Alert.objects.create(event=event, organisation=org, channel=Channel.WEBHOOK, webhook=endpoint)
        alert_services.alerts_deliver(alert_ids=[alert.pk])
    alert.refresh_from_db()
    assert alert.status == Alert.Status.PENDING and "302" in alert.last_error


@pytest.mark.parametrize(
    ("url", "allow_loopback", "ok"),
    [
        ("https://erp.example.com/hook", False, True),
        ("http://erp.example.com/hook", True, False),
        ("http://127.0.0.1:8080/hook", True, True),
        ("http://localhost/hook", True, True),
        ("http://127.0.0.1:8080/hook", False, False),
        ("ftp://erp.example.com/hook", True, False),
    ],
)
def test_webhook_urls_must_be_https_except_loopback_in_development(settings, url, allow_loopback, ok):
    settings.OUTBOUND_ALLOW_LOOPBACK = allow_loopback
    assert (url_problem(url) is None) == ok


# --- robots ----------------------------------------------------------------------------------------------------


def robot_delivery(kind, secret="", answer=None):
    org = OrganisationFactory()
    with HttpSink(answer=answer or {"errcode": 0, "errmsg": "ok", "code": 0}) as sink:
        robot = ChatRobot.objects.create(
            organisation=org, kind=kind, url=sink.url + "/robot/send?access_token=abc", secret=secret, language="en"
        )
        event = Event.objects.create(
            name=supply_events.SUPPLY_REQUEST_SUBMITTED,
            payload={"material": "ArF photoresist", "quantity": "50", "unit": "L", "urgency": "critical"},
        )
        alert = Alert.objects.create(event=event, organisation=org, channel=Channel.ROBOT, robot=robot, language="en")
        alert_services.alerts_deliver(alert_ids=[alert.pk])
        alert.refresh_from_db()
        return alert, sink.requests


def test_wecom_robot_gets_a_text_message():
    alert, (request,) = robot_delivery("wecom")
    assert alert.status == Alert.Status.DELIVERED
    body = request.json()
    assert body["msgtype"] == "text" and set(body) == {"msgtype", "text"}
    assert "New supply request" in body["text"]["content"] and "ArF photoresist" in body["text"]["content"]


def test_dingtalk_robot_is_signed_in_the_query_as_documented():
    alert, (request,) = robot_delivery("dingtalk", secret="SECdingtalk")
    assert alert.status == Alert.Status.DELIVERED
    body = request.json()
    assert body["msgtype"] == "text" and "content" in body["text"]
    query = parse_qs(urlsplit(request.path).query)
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(
        hmac.new(b"SECdingtalk", f"{timestamp}\nSECdingtalk".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected and query["access_token"] == ["abc"]
    assert abs(int(timestamp) / 1000 - time.time()) < 60


def test_feishu_robot_is_signed_in_the_body_as_documented():
    alert, (request,) = robot_delivery("feishu", secret="feishu-key")
    assert alert.status == Alert.Status.DELIVERED
    body = request.json()
    assert body["msg_type"] == "text" and "New supply request" in body["content"]["text"]
    expected = base64.b64encode(
        hmac.new(f"{body['timestamp']}\nfeishu-key".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert body["sign"] == expected


def test_feishu_without_secret_sends_no_signature():
    _url, body = robots.request_for("feishu", "https://open.feishu.cn/hook/x", "", "hello")
    assert body == {"msg_type": "text", "content": {"text": "hello"}}


def test_robot_that_answers_an_error_code_is_a_failed_attempt():
    alert, _requests = robot_delivery("wecom", answer={"errcode": 93000, "errmsg": "invalid webhook url"})
    assert alert.status == Alert.Status.PENDING
    assert "93000" in alert.last_error


def test_robot_bodies_are_plain_json_text():
    for kind in ("wecom", "dingtalk", "feishu"):
        _url, body = robots.request_for(kind, "https://example.com/x", "", "行 1\nline 2")
        assert json.loads(json.dumps(body, ensure_ascii=False)) == body
