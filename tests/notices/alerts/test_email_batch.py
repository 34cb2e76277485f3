"""An email batch renders each event once per language, encodes the message once for the SMTP backend, records
its outcomes in a few UPDATEs, and each contact still gets its own address and delivery id."""

import email
import email.policy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.alerts import services as alert_services
from notices.alerts.channels import email as email_channel
from notices.alerts.models import Alert, Channel, Event
from supply import events as supply_events

from .sinks import SmtpSink

pytestmark = pytest.mark.django_db
S = Alert.Status


@pytest.fixture
def event():
    return Event.objects.create(
        name=supply_events.SUPPLY_REQUEST_APPROVED,
        payload={"material": "Argon", "quantity": "5", "unit": "kg", "title_zh": "氩气", "title_en": "Argon"},
    )


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    with SmtpSink() as sink:
        settings.EMAIL_PORT = sink.port
        yield sink


def email_alerts(event, count, language="en", address="c{i}@org.example"):
    return [
        Alert.objects.create(event=event, channel=Channel.EMAIL, email=address.format(i=i), language=language)
        for i in range(count)
    ]


def test_templates_are_rendered_once_per_event_and_language(event, monkeypatch, mailoutbox):
    calls = []
    render = email_channel.render_to_string
    monkeypatch.setattr(email_channel, "render_to_string", lambda *a, **k: calls.append(a[0]) or render(*a, **k))
    other = Event.objects.create(name=supply_events.SUPPLY_REQUEST_APPROVED, payload={"material": "Neon"})
    alerts = email_alerts(event, 5, "en") + email_alerts(event, 5, "zh-hans") + email_alerts(other, 3, "en")
    assert alert_services.alerts_deliver(alert_ids=[a.pk for a in alerts])["delivered"] == 13
    assert len(calls) == 6  # (2 events + 1 other language) x (text + html)
    assert len(mailoutbox) == 13
    by_id = {str(a.delivery_id): a for a in alerts}
    for message in mailoutbox:
        alert = by_id[message.extra_headers["X-Alliance-Delivery"]]
        assert message.to == [alert.email]
        assert message.extra_headers["Message-ID"] == f"<{alert.delivery_id}@alliance-portal>"
        assert str(alert.delivery_id) in message.body and str(alert.delivery_id) in message.alternatives[0].content
    assert len({m.body for m in mailoutbox}) == 13  # each body carries its own delivery id


def test_a_prepared_message_reads_as_one_built_alone(event, smtp):
    """What the SMTP sink receives from the batch (encoded once, address and id put in) is what Django builds for
    that contact alone, header for header and part for part; an address that needs encoding is built in full."""
    alerts = email_alerts(event, 2, "zh-hans") + email_alerts(event, 1, "en")
    alerts += email_alerts(event, 1, "en", address="名字{i}@例子.中国")  # not plain ASCII: built by Django in full
    assert alert_services.alerts_deliver(alert_ids=[a.pk for a in alerts])["delivered"] == 4
    received = {m["X-Alliance-Delivery"]: (rcpt, m) for rcpt, m in smtp.messages}
    assert len(received) == 4
    for alert in Alert.objects.filter(pk__in=[a.pk for a in alerts]).select_related("event"):
        rcpt, got = received[str(alert.delivery_id)]
        alone = email.message_from_bytes(
            email_channel.message_for(alert).message().as_bytes(linesep="\r\n"), policy=email.policy.default
        )
        assert len(rcpt) == 1
        for header in ("Subject", "From", "To", "Message-ID", "X-Alliance-Delivery", "X-Alliance-Event"):
            assert got[header] == alone[header], header
        got_parts = [(p.get_content_type(), p.get_content()) for p in got.iter_parts()]
        alone_parts = [(p.get_content_type(), p.get_content()) for p in alone.iter_parts()]
        assert got_parts == alone_parts
        assert str(alert.delivery_id) in got_parts[0][1] and str(alert.delivery_id) in got_parts[1][1]


def test_outcomes_are_recorded_in_batched_updates(event, smtp, settings):
    settings.ALERT_RECORD_EVERY = 50
    settings.ALERT_RECORD_SECONDS = 3600
    alerts = email_alerts(event, 100, "en")
    with CaptureQueriesContext(connection) as queries:
        assert alert_services.alerts_deliver(alert_ids=[a.pk for a in alerts])["delivered"] == 100
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 3  # the claim, then one UPDATE per 50 outcomes
    assert len(queries.captured_queries) <= 6
    assert set(Alert.objects.values_list("status", "attempts", "claimed_by")) == {
        (S.DELIVERED, 1, Alert.objects.first().claimed_by)
    }
    assert len(smtp.delivery_ids()) == 100 and smtp.connections == 1


def test_failures_of_a_batch_are_recorded_per_kind_with_back_off(event, settings):
    settings.ALERT_MAX_ATTEMPTS = 3
    alerts = email_alerts(event, 4, "en")
    token = "worker-a"
    alert_services.alerts_claim(alert_ids=[a.pk for a in alerts], token=token)
    attempts = {alerts[0].pk: 0, alerts[1].pk: 0, alerts[2].pk: 2, alerts[3].pk: 0}
    results = {alerts[0].pk: None, alerts[1].pk: "550 no such user", alerts[2].pk: "550 no such user"}
    results[alerts[3].pk] = "timeout"
    outcome = alert_services.alerts_record(results=results, token=token, attempts=attempts)
    assert (outcome["delivered"], outcome["failed"]) == (1, 1)
    rows = {a.pk: a for a in Alert.objects.all()}
    assert rows[alerts[0].pk].status == S.DELIVERED
    assert (rows[alerts[1].pk].status, rows[alerts[1].pk].attempts) == (S.PENDING, 1)
    assert (rows[alerts[2].pk].status, rows[alerts[2].pk].attempts) == (S.FAILED, 3)
    assert (rows[alerts[3].pk].status, rows[alerts[3].pk].last_error) == (S.PENDING, "timeout")
