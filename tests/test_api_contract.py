"""The API contract on every endpoint, checked from the router, not from memory: a POST honours Idempotency-Key,
PUT/PATCH/DELETE honour If-Match. A new endpoint that forgets either fails here."""

import pytest

from alliance_portal.api import ConditionalDestroyMixin, ConditionalUpdateMixin
from alliance_portal.api_urls import router
from alliance_portal.idempotency import IdempotentCreateMixin
from notices.alerts.models import ChatRobot, Subscription, WebhookEndpoint

from .api_helpers import api_client

VIEWSETS = [(prefix, viewset) for prefix, viewset, _basename in router.registry]


def _post_actions(viewset) -> list[str]:
    return [a.__name__ for a in viewset.get_extra_actions() if "post" in a.mapping]


@pytest.mark.parametrize("prefix, viewset", VIEWSETS)
def test_every_endpoint_keeps_the_write_contract(prefix, viewset):
    if hasattr(viewset, "create"):
        assert issubclass(viewset, IdempotentCreateMixin), f"{prefix}: POST without Idempotency-Key"
    if hasattr(viewset, "update") or hasattr(viewset, "partial_update"):
        assert issubclass(viewset, ConditionalUpdateMixin), f"{prefix}: PUT/PATCH without If-Match"
    if hasattr(viewset, "destroy"):
        assert issubclass(viewset, ConditionalDestroyMixin), f"{prefix}: DELETE without If-Match"
    for name in _post_actions(viewset):
        action = getattr(viewset, name)
        assert name in getattr(viewset, "idempotent_actions", ()), f"{prefix}/{name}: not declared idempotent"
        assert hasattr(action, "__wrapped__"), f"{prefix}/{name}: POST action without Idempotency-Key"


pytestmark = pytest.mark.django_db

ROBOT = {"kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "name": "ops"}


def _post(client, path, body, key):
    return client.post(path, body, content_type="application/json", headers={"Idempotency-Key": key})


def test_a_replayed_robot_creation_creates_one_robot_and_answers_the_same(request, org):
    client = api_client("org_admin", request)
    first = _post(client, "/api/v1/chat-robots/", ROBOT, "robot-1")
    again = _post(client, "/api/v1/chat-robots/", ROBOT, "robot-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ChatRobot.objects.filter(organisation=org).count() == 1


def test_a_replayed_subscription_answers_the_first_answer_not_a_400(request, org):
    client = api_client("org_admin", request)
    body = {"event_type": "notice.published", "channel": "email", "enabled": False}
    first = _post(client, "/api/v1/alert-subscriptions/", body, "sub-1")
    again = _post(client, "/api/v1/alert-subscriptions/", body, "sub-1")
    assert first.status_code == again.status_code == 201, again.content
    assert Subscription.objects.filter(organisation=org).count() == 1


@pytest.mark.parametrize(
    "path, body, change",
    [
        ("/api/v1/webhooks/", {"url": "https://erp.partner.example/hook"}, {"description": "ERP"}),
        ("/api/v1/chat-robots/", ROBOT, {"name": "night shift"}),
        ("/api/v1/alert-subscriptions/", {"event_type": "notice.published", "channel": "email"}, {"enabled": False}),
    ],
)
def test_a_stale_if_match_is_a_412_and_changes_nothing(request, org, path, body, change):
    client = api_client("org_admin", request)
    created = client.post(path, body, content_type="application/json")
    assert created.status_code == 201, created.content
    url = f"{path}{created.json()['id']}/"
    etag = client.get(url)["ETag"]
    ok = client.patch(url, change, content_type="application/json", headers={"If-Match": etag})
    assert ok.status_code == 200, ok.content
    stale = client.patch(url, body, content_type="application/json", headers={"If-Match": etag})
    assert stale.status_code == 412
    assert client.get(url).json() == ok.json()
    assert client.delete(url, headers={"If-Match": etag}).status_code == 412
    assert client.delete(url, headers={"If-Match": ok["ETag"]}).status_code == 204


def test_deleting_a_webhook_deactivates_it_and_keeps_it(request, org):
    client = api_client("org_admin", request)
    created = client.post(
        "/api/v1/webhooks/", {"url": "https://erp.partner.example/hook"}, content_type="application/json"
    )
    assert client.delete(f"/api/v1/webhooks/{created.json()['id']}/").status_code == 204
    assert WebhookEndpoint.objects.get(pk=created.json()["id"]).active is False
