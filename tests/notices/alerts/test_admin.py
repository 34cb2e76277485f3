"""The alert pipeline's admin pages: every list opens, endpoints and robots refuse a plain-http URL, alerts and events
cannot be edited."""

import pytest
from django.urls import reverse

from notices import events
from notices.alerts.models import Alert, Channel, ChatRobot, Event, Subscription, WebhookEndpoint
from supply import events as supply_events

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


@pytest.fixture
def admin_client(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.fixture
def rows(org):
    event = Event.objects.create(
        name=supply_events.SUPPLY_REQUEST_APPROVED, payload={"material": "Argon"}, organisation=org
    )
    alert = Alert.objects.create(event=event, organisation=org, channel=Channel.EMAIL, email="ops@org.example")
    endpoint = WebhookEndpoint.objects.create(organisation=org, url="https://erp.example.com/hook")
    robot = ChatRobot.objects.create(organisation=org, kind="feishu", url="https://open.feishu.cn/open-apis/bot/v2/x")
    subscription = Subscription.objects.create(
        organisation=org, event_type=events.NOTICE_PUBLISHED, channel=Channel.EMAIL, enabled=False
    )
    return {
        "alert": alert,
        "event": event,
        "webhookendpoint": endpoint,
        "chatrobot": robot,
        "subscription": subscription,
    }


@pytest.mark.parametrize("model", ["alert", "event", "webhookendpoint", "chatrobot", "subscription"])
def test_every_alert_admin_list_and_page_opens(admin_client, rows, model):
    assert admin_client.get(reverse(f"admin:notices_{model}_changelist"), headers=EN).status_code == 200
    page = admin_client.get(reverse(f"admin:notices_{model}_change", args=[rows[model].pk]), headers=EN)
    assert page.status_code == 200


def test_alerts_and_events_cannot_be_added_or_edited(admin_client, rows):
    assert admin_client.get(reverse("admin:notices_alert_add")).status_code == 403
    assert admin_client.get(reverse("admin:notices_event_add")).status_code == 403
    url = reverse("admin:notices_alert_change", args=[rows["alert"].pk])
    admin_client.post(url, {"status": "delivered"})
    rows["alert"].refresh_from_db()
    assert rows["alert"].status == Alert.Status.PENDING


def test_webhook_endpoint_needs_https(admin_client, org, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    url = reverse("admin:notices_webhookendpoint_add")
    form = {"organisation": org.pk, "url": "http://erp.example.com/hook", "description": ""}
    response = admin_client.post(url, {**form, "active": "on"}, headers=EN)
    assert response.status_code == 200 and "only https:// addresses are called" in response.content.decode()
    response = admin_client.post(url, {**form, "url": "https://10.1.2.3/hook", "active": "on"}, headers=EN)
    assert response.status_code == 200 and "refused: private address" in response.content.decode()
    response = admin_client.post(url, {**form, "url": "https://erp.example.com/hook", "active": "on"})
    assert response.status_code == 302
    assert len(WebhookEndpoint.objects.get().secret) >= 32


def test_webhook_endpoint_refuses_unknown_event_types(admin_client, org):
    form = {"organisation": org.pk, "url": "https://erp.example.com/hook", "event_types": ["no.such.event"]}
    response = admin_client.post(reverse("admin:notices_webhookendpoint_add"), form, headers=EN)
    assert response.status_code == 200 and not WebhookEndpoint.objects.exists()
