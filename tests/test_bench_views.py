"""The benchmark's bare `.values()` views (bench/api_floor.py) are not in the portal's URLs unless the benchmark's
server turns them on (API_BENCH_VIEWS): a deployment never serves them."""

import json

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from alliance_portal import urls as portal_urls
from alliance_portal.bench_views import ceiling_alerts
from members.models import ApiKey
from notices.alerts.models import Alert, Channel, ChatRobot, Event, WebhookEndpoint
from supply import events as supply_events

from .api_helpers import key_client
from .members.factories import make_api_key

pytestmark = pytest.mark.django_db


def test_the_bare_views_are_off_by_default(secretariat):
    client = Client()
    client.force_login(secretariat)

    assert settings.API_BENCH_VIEWS is False
    assert not any("bench" in str(pattern.pattern) for pattern in portal_urls.urlpatterns)
    assert client.get("/bench/bare/supply-requests/").status_code == 404


def test_the_ceiling_answers_what_the_api_answers(org, other_org):
    """bench/api_floor.py's hand-written alerts page (a bound on any API list) is only a fair bound if it writes the
    API's JSON: the same rows, in the same order, with the same values, for every channel."""
    event = Event.objects.create(name=supply_events.SUPPLY_REQUEST_APPROVED, payload={"material": "Argon"})
    hook = WebhookEndpoint.objects.create(organisation=org, url="https://erp.org.example/hook")
    named = ChatRobot.objects.create(
        organisation=org, kind="dingtalk", name="值班群", url="https://oapi.dingtalk.com/r"
    )
    unnamed = ChatRobot.objects.create(organisation=org, kind="wecom", url="https://qyapi.weixin.qq.com/x")
    Alert.objects.create(event=event, organisation=org, channel=Channel.EMAIL, email="ops@org.example")
    Alert.objects.create(event=event, organisation=org, channel=Channel.WEBHOOK, webhook=hook, attempts=2)
    Alert.objects.create(event=event, organisation=org, channel=Channel.ROBOT, robot=named, last_error="timeout")
    Alert.objects.create(event=event, organisation=org, channel=Channel.ROBOT, robot=unnamed)
    Alert.objects.create(event=event, organisation=other_org, channel=Channel.EMAIL, email="a@other.example")
    _key, raw = make_api_key(org, scope=ApiKey.Scope.READ, name="ceiling")

    api = key_client(raw).get("/api/v1/alerts/").json()
    http = RequestFactory().get("/bench/ceiling/alerts/", headers={"Authorization": f"Bearer {raw}"})
    ceiling = json.loads(ceiling_alerts(http).content)

    assert len(api["results"]) == 4
    assert ceiling["results"] == api["results"]
    assert {row["destination"] for row in ceiling["results"]} == {
        "ops@org.example",
        "https://erp.org.example/hook",
        "值班群",
        str(unnamed),
    }
