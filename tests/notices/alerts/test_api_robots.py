"""`/api/v1/chat-robots/` and `/api/v1/alert-subscriptions/` against every role: an organisation chooses its own
robots and which events reach it on which channel; the choice changes who gets the next alert."""

import pytest
from django.db import transaction

from notices import events
from notices.alerts import emit
from notices.alerts.models import Alert, Channel, ChatRobot, Subscription
from tests.api_helpers import API_ROLES, api_client
from tests.members.factories import ContactFactory

pytestmark = pytest.mark.django_db

ROBOTS = "/api/v1/chat-robots/"
SUBSCRIPTIONS = "/api/v1/alert-subscriptions/"
EDITORS = {"secretariat", "org_admin", "write_key"}
STRANGERS = {"other_user", "no_org_user"}


def expected(role, ok=200):
    if role == "anonymous":
        return 401
    if role in STRANGERS:
        return 404
    return ok if role in EDITORS else 403


@pytest.fixture
def robot(org):
    return ChatRobot.objects.create(organisation=org, kind="dingtalk", url="https://oapi.dingtalk.com/robot/send?x=1")


@pytest.mark.parametrize("role", API_ROLES)
def test_list_robots_shows_own_robots_without_secrets(role, request, robot, other_org):
    ChatRobot.objects.create(organisation=other_org, kind="wecom", url="https://qyapi.weixin.qq.com/x", secret="s")
    response = api_client(role, request).get(ROBOTS)
    if role == "anonymous":
        assert response.status_code == 401
        return
    ids = {r["id"] for r in response.json()["results"]}
    if role == "secretariat":
        assert len(ids) == 2
    elif role in STRANGERS:
        assert robot.pk not in ids
    else:
        assert ids == {robot.pk}
    assert all("secret" not in r for r in response.json()["results"])


@pytest.mark.parametrize("role", API_ROLES)
def test_add_robot(role, request, org):
    body = {"kind": "feishu", "url": "https://open.feishu.cn/open-apis/bot/v2/hook/x", "secret": "k", "language": "en"}
    if role == "secretariat":
        body["organization"] = org.slug
    response = api_client(role, request).post(ROBOTS, body, content_type="application/json")
    if role == "anonymous":
        assert response.status_code == 401
    elif role in EDITORS or role == "other_user":
        assert response.status_code == 201, response.content
        assert ChatRobot.objects.get().secret == "k" and "secret" not in response.json()
    else:
        assert response.status_code == 403


def test_robot_url_must_be_https(request, org, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    body = {"kind": "wecom", "url": "http://qyapi.weixin.qq.com/x"}
    response = api_client("org_admin", request).post(ROBOTS, body, content_type="application/json")
    assert response.status_code == 400 and "url" in response.json()


@pytest.mark.parametrize("role", API_ROLES)
def test_change_and_deactivate_robot(role, request, robot):
    client = api_client(role, request)
    response = client.patch(f"{ROBOTS}{robot.pk}/", {"name": "值班群"}, content_type="application/json")
    assert response.status_code == expected(role)
    response = client.delete(f"{ROBOTS}{robot.pk}/")
    assert response.status_code == expected(role, ok=204)
    robot.refresh_from_db()
    assert robot.active == (response.status_code != 204)


@pytest.mark.parametrize("role", API_ROLES)
def test_choose_a_subscription(role, request, org):
    body = {"event_type": events.NOTICE_PUBLISHED, "channel": "email", "enabled": False}
    if role == "secretariat":
        body["organization"] = org.slug
    response = api_client(role, request).post(SUBSCRIPTIONS, body, content_type="application/json")
    if role == "anonymous":
        assert response.status_code == 401
    elif role in EDITORS or role == "other_user":
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 403
        assert not Subscription.objects.exists()


def test_a_second_choice_for_the_same_event_and_channel_is_a_400(request, org):
    Subscription.objects.create(organisation=org, event_type=events.NOTICE_PUBLISHED, channel="email", enabled=False)
    body = {"event_type": events.NOTICE_PUBLISHED, "channel": "email", "enabled": True}
    response = api_client("org_admin", request).post(SUBSCRIPTIONS, body, content_type="application/json")
    assert response.status_code == 400 and "event_type" in response.json()


@pytest.mark.parametrize("role", API_ROLES)
def test_change_and_remove_a_subscription(role, request, org):
    choice = Subscription.objects.create(organisation=org, event_type=events.NOTICE_PUBLISHED, channel="email")
    client = api_client(role, request)
    response = client.patch(f"{SUBSCRIPTIONS}{choice.pk}/", {"enabled": False}, content_type="application/json")
    assert response.status_code == expected(role)
    response = client.delete(f"{SUBSCRIPTIONS}{choice.pk}/")
    assert response.status_code == expected(role, ok=204)
    assert Subscription.objects.filter(pk=choice.pk).exists() == (response.status_code != 204)


def test_opting_out_by_api_stops_the_next_email(request, org):
    ContactFactory(organisation=org, email="ops@org.example")
    body = {"event_type": events.NOTICE_REMINDER, "channel": "email", "enabled": False}
    assert (
        api_client("org_admin", request).post(SUBSCRIPTIONS, body, content_type="application/json").status_code == 201
    )
    with transaction.atomic():
        emit(events.NOTICE_REMINDER, payload={"notice_id": 1, "organisation_ids": [org.pk]})
    assert not Alert.objects.filter(organisation=org, channel=Channel.EMAIL).exists()
