"""Events declared by the apps that raise them: the registry refuses a conflicting or unknown event, the fan-out keeps
to an event's channels, an app's event reaches its recipients in their language, and every door names the event
types the apps registered (and nothing else)."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from members.models import Contact
from notices.alerts import EMAIL, WEBHOOK, EventType, Recipients, emit, organisations_by_ids, registry
from notices.alerts.models import Alert, Channel, ChatRobot, Event, Subscription, WebhookEndpoint
from supply import events as supply_events
from tests.api_helpers import api_client
from tests.members.factories import ContactFactory

pytestmark = pytest.mark.django_db

TESTED = "tests.happened"


def to_payload_organisations(payload, event):
    return Recipients(organisations_by_ids(payload.get("organisation_ids")))


def event_type(**fields) -> EventType:
    return EventType(
        name=TESTED,
        label=gettext_lazy("Supply request approved"),
        recipients=to_payload_organisations,
        **fields,
    )


@pytest.fixture
def reachable(org):
    """org has an alert contact, an active webhook and an active robot: every channel can reach it."""
    ContactFactory(organisation=org, email="ops@org.example")
    WebhookEndpoint.objects.create(organisation=org, url="https://erp.example.com/hook")
    ChatRobot.objects.create(organisation=org, kind="wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send")
    return org


def emitted(name, org):
    with transaction.atomic():
        event = emit(name, payload={"organisation_ids": [org.pk]})
    return sorted(event.alerts.values_list("channel", flat=True))


# --- the registry ------------------------------------------------------------------------------------------------


def test_registering_the_same_declaration_twice_is_harmless(declare):
    declare(event_type())
    declare(event_type())
    assert registry.get(TESTED) == event_type()


def test_a_different_declaration_under_a_taken_name_is_refused(declare):
    declare(event_type())
    with pytest.raises(ValueError, match="already registered differently"):
        registry.register(event_type(channels={EMAIL}))
    assert registry.get(TESTED).channels == registry.ALL_CHANNELS


def test_an_unknown_channel_or_a_bare_string_is_refused():
    with pytest.raises(ValueError, match="unknown channels"):
        registry.register(event_type(channels={"pigeon"}))
    with pytest.raises(ValueError, match="not one string"):
        event_type(channels="email")
    assert registry.get(TESTED) is None


def test_emit_refuses_an_event_nobody_registered_and_says_where_to_register():
    with transaction.atomic(), pytest.raises(ValueError, match=r"unknown event 'no\.such\.event'.*AppConfig\.ready"):
        emit("no.such.event", payload={})


def test_every_app_event_is_registered_when_the_apps_are_ready():
    names = set(registry.names())
    assert {e.name for e in supply_events.EVENT_TYPES} <= names
    assert {"notice.published", "notice.reminder", "notice.escalated"} <= names
    assert {name for name, _label in registry.event_choices()} == names


# --- channels ------------------------------------------------------------------------------------------------------


def test_an_event_declared_for_all_channels_uses_all_three(declare, reachable):
    declare(event_type())
    assert emitted(TESTED, reachable) == ["email", "robot", "webhook"]


def test_an_email_only_event_makes_no_webhook_or_robot_rows(declare, reachable):
    declare(event_type(channels={EMAIL}))
    assert emitted(TESTED, reachable) == ["email"]


def test_a_webhook_only_event_makes_no_email_even_for_the_secretariat(declare, reachable, secretariat):
    declare(
        EventType(
            name=TESTED,
            label="x",
            recipients=lambda payload, event: Recipients(organisations_by_ids(payload["organisation_ids"]), True),
            channels={WEBHOOK},
        )
    )
    assert emitted(TESTED, reachable) == ["webhook"]


# --- an app's event, in its recipients' languages ----------------------------------------------------------------


def test_a_supply_event_reaches_the_fab_in_each_contact_language(org, django_capture_on_commit_callbacks):
    ContactFactory(organisation=org, email="zh@org.example", language=Contact.Language.ZH)
    ContactFactory(organisation=org, email="en@org.example", language=Contact.Language.EN)
    payload = {
        "organisation": org.slug,
        "material": "ArF photoresist",
        "quantity": "50",
        "unit": "L",
        "unit_labels": {"zh-hans": "升", "en": "litres"},
    }
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        emit(supply_events.SUPPLY_REQUEST_APPROVED, payload=payload, organisation=org)
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"zh@org.example", "en@org.example"}
    zh, en = sent["zh@org.example"], sent["en@org.example"]
    assert (
        "供应需求已批准: ArF photoresist 50 升" in zh.subject
        and "物料: ArF photoresist" in zh.body
        and "50 升" in zh.body
    )
    assert "Supply request approved: ArF photoresist 50 litres" in en.subject
    assert "Material: ArF photoresist" in en.body and "50 litres" in en.body
    assert "Supply request approved" not in zh.subject and "供应需求已批准" not in en.subject


# --- the doors name the registered event types ---------------------------------------------------------------------


def test_an_event_registered_after_start_is_accepted_by_the_api_without_a_migration(declare, request, org):
    client = api_client("org_admin", request)
    body = {"url": "https://erp.example.com/new", "event_types": [TESTED]}
    response = client.post("/api/v1/webhooks/", body, content_type="application/json")
    assert response.status_code == 400 and "event_types" in response.json()
    declare(event_type())
    response = client.post("/api/v1/webhooks/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert WebhookEndpoint.objects.get().event_types == [TESTED]


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/webhooks/", {"url": "https://erp.example.com/a", "event_types": ["no.such.event"]}, "event_types"),
        (
            "/api/v1/chat-robots/",
            {"kind": "wecom", "url": "https://qyapi.weixin.qq.com/x", "event_types": ["no.such.event"]},
            "event_types",
        ),
        ("/api/v1/alert-subscriptions/", {"event_type": "no.such.event", "channel": "email"}, "event_type"),
    ],
)
def test_an_unregistered_event_type_is_a_400_naming_the_field(request, org, url, body, field):
    response = api_client("org_admin", request).post(url, body, content_type="application/json")
    assert response.status_code == 400 and field in response.json()
    assert not WebhookEndpoint.objects.exists() and not ChatRobot.objects.exists()
    assert not Subscription.objects.exists()


def test_the_alert_log_filter_knows_every_registered_event(declare, request):
    client = api_client("org_viewer", request)
    assert client.get(f"/api/v1/alerts/?event={TESTED}").status_code == 400
    declare(event_type())
    assert client.get(f"/api/v1/alerts/?event={TESTED}").status_code == 200


def test_the_admin_shows_event_titles_in_the_admin_language(client, secretariat, org):
    approved = supply_events.SUPPLY_REQUEST_APPROVED
    Subscription.objects.create(organisation=org, event_type=approved, channel="email")
    WebhookEndpoint.objects.create(organisation=org, url="https://erp.example.com/hook", event_types=[approved])
    event = Event.objects.create(name=approved, organisation=org)
    Alert.objects.create(event=event, organisation=org, channel=Channel.EMAIL, email="ops@org.example")
    client.force_login(secretariat)
    for model in ("subscription", "webhookendpoint", "event", "alert"):
        page = client.get(reverse(f"admin:notices_{model}_changelist"), headers={"Accept-Language": "zh-hans"})
        assert "供应需求已批准" in page.content.decode()
        page = client.get(reverse(f"admin:notices_{model}_changelist"), headers={"Accept-Language": "en"})
        assert "Supply request approved" in page.content.decode()
    form = client.get(reverse("admin:notices_webhookendpoint_add"), headers={"Accept-Language": "en"}).content.decode()
    assert f'value="{supply_events.SUPPLY_REQUEST_APPROVED}"' in form and "Supply request approved" in form
