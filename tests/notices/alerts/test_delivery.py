"""Delivering outbox rows: one claim wins, retries back off then fail, lost and stuck rows are re-queued, the admin
retries failed rows, an email batch shares one SMTP connection."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notices import events
from notices.alerts import services as alert_services
from notices.alerts.models import Alert, Channel, Event, WebhookEndpoint
from notices.selectors import delivery_progress
from supply import events as supply_events
from tests.members.factories import OrganisationFactory

from .sinks import HttpSink, SmtpSink

pytestmark = pytest.mark.django_db
S = Alert.Status


@pytest.fixture
def event():
    return Event.objects.create(
        name=supply_events.SUPPLY_REQUEST_APPROVED, payload={"material": "Argon", "quantity": "5"}
    )


def email_alert(event, address="ops@org.example", **fields) -> Alert:
    return Alert.objects.create(event=event, channel=Channel.EMAIL, email=address, language="en", **fields)


def webhook_alert(event, url, **fields) -> Alert:
    endpoint = WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=url)
    return Alert.objects.create(
        event=event, organisation=endpoint.organisation, channel=Channel.WEBHOOK, webhook=endpoint, **fields
    )


def test_two_claims_of_one_row_only_one_succeeds(event):
    alert = email_alert(event)
    assert alert_services.alerts_claim(alert_ids=[alert.pk], token="worker-a") == 1
    assert alert_services.alerts_claim(alert_ids=[alert.pk], token="worker-b") == 0
    alert.refresh_from_db()
    assert (alert.status, alert.claimed_by) == (S.SENDING, "worker-a")


def test_delivering_one_row_twice_sends_it_once(event, mailoutbox):
    alert = email_alert(event)
    assert alert_services.alerts_deliver(alert_ids=[alert.pk])["delivered"] == 1
    assert alert_services.alerts_deliver(alert_ids=[alert.pk])["claimed"] == 0
    assert len(mailoutbox) == 1
    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == (S.DELIVERED, 1)
    assert alert.delivered_at is not None


def test_row_not_yet_due_is_not_sent(event, mailoutbox):
    alert = email_alert(event, next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert alert_services.alerts_deliver(alert_ids=[alert.pk])["claimed"] == 0
    assert mailoutbox == []


def test_failed_delivery_backs_off_exponentially_then_fails_visibly(event, settings):
    settings.ALERT_MAX_ATTEMPTS = 3
    settings.ALERT_RETRY_BASE_SECONDS = 60
    with HttpSink(status=503) as sink:
        alert = webhook_alert(event, sink.url + "/hook")
        delays = []
        for _attempt in range(2):
            before = timezone.now()
            alert_services.alerts_deliver(alert_ids=[alert.pk])
            alert.refresh_from_db()
            assert alert.status == S.PENDING and "503" in alert.last_error
            delays.append(round((alert.next_attempt_at - before).total_seconds() / 60))
            Alert.objects.filter(pk=alert.pk).update(next_attempt_at=timezone.now())
        alert_services.alerts_deliver(alert_ids=[alert.pk])
        alert.refresh_from_db()
        assert delays == [1, 2]
        assert (alert.status, alert.attempts) == (S.FAILED, 3)
        assert len(sink.requests) == 3
        assert len(set(sink.delivery_ids())) == 1  # every attempt carries the same delivery id


def test_unreachable_endpoint_is_an_error_not_a_crash(event):
    alert = webhook_alert(event, "http://127.0.0.1:9/closed")  # the discard port: nothing listens
    alert_services.alerts_deliver(alert_ids=[alert.pk])
    alert.refresh_from_db()
    assert alert.status == S.PENDING and alert.attempts == 1 and alert.last_error


def test_requeue_resets_rows_stuck_in_sending_and_sends_them(event, settings, mailoutbox):
    settings.ALERT_SENDING_TIMEOUT_SECONDS = 600
    long_ago = timezone.now() - timedelta(minutes=11)
    stuck = email_alert(event, status=S.SENDING, claimed_at=long_ago, claimed_by="dead-worker")
    busy = email_alert(event, "busy@org.example", status=S.SENDING, claimed_at=timezone.now(), claimed_by="alive")
    result = alert_services.alerts_requeue()
    assert result["reset"] == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (S.DELIVERED, 2)  # the reset counts as an attempt
    assert busy.status == S.SENDING
    assert [m.to for m in mailoutbox] == [["ops@org.example"]]


def test_requeue_sends_rows_whose_message_was_lost_but_not_fresh_ones(event, settings, mailoutbox):
    settings.ALERT_REQUEUE_GRACE_SECONDS = 60
    lost = email_alert(event, next_attempt_at=timezone.now() - timedelta(minutes=2))
    fresh = email_alert(event, "fresh@org.example")
    retry_due = email_alert(event, "retry@org.example", attempts=1, next_attempt_at=timezone.now())
    retry_later = email_alert(
        event, "later@org.example", attempts=1, next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    assert alert_services.alerts_requeue()["queued"] == 2
    statuses = {a.pk: a.status for a in Alert.objects.all()}
    assert statuses[lost.pk] == statuses[retry_due.pk] == S.DELIVERED
    assert statuses[fresh.pk] == statuses[retry_later.pk] == S.PENDING


def test_stuck_row_without_attempts_left_fails(event, settings):
    settings.ALERT_MAX_ATTEMPTS = 3
    stuck = email_alert(event, status=S.SENDING, attempts=2, claimed_at=timezone.now() - timedelta(hours=1))
    assert alert_services.alerts_requeue()["failed"] == 1
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (S.FAILED, 3)


def test_late_worker_cannot_overwrite_a_row_reclaimed_by_another(event):
    alert = email_alert(event)
    alert_services.alerts_claim(alert_ids=[alert.pk], token="slow")
    Alert.objects.filter(pk=alert.pk).update(status=S.PENDING)  # re-queued as stuck
    alert_services.alerts_claim(alert_ids=[alert.pk], token="fast")
    alert_services.alerts_record(results={alert.pk: "timeout"}, token="slow", attempts={alert.pk: 0})
    alert.refresh_from_db()
    assert (alert.status, alert.claimed_by, alert.last_error) == (S.SENDING, "fast", "")


def test_email_batch_goes_over_one_smtp_connection(event, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    with SmtpSink() as sink:
        settings.EMAIL_PORT = sink.port
        alerts = [email_alert(event, f"c{i}@org.example") for i in range(5)]
        assert alert_services.alerts_deliver(alert_ids=[a.pk for a in alerts])["delivered"] == 5
        assert sink.connections == 1
        assert sorted(sink.delivery_ids()) == sorted(str(a.delivery_id) for a in alerts)
        text, html = [part.get_content_type() for part in sink.messages[0][1].iter_parts()]
        assert (text, html) == ("text/plain", "text/html")


def test_email_batch_that_runs_out_of_time_hands_the_rest_back_unsent(event, settings, mailoutbox):
    settings.ALERT_SENDING_TIMEOUT_SECONDS = 0  # no time at all: nothing may be sent
    alerts = [email_alert(event, f"c{i}@org.example") for i in range(3)]
    assert alert_services.alerts_deliver(alert_ids=[a.pk for a in alerts])["released"] == 3
    assert mailoutbox == []
    assert set(Alert.objects.values_list("status", "attempts", "claimed_by")) == {(S.PENDING, 0, "")}


def test_admin_retries_selected_failed_alerts(event, client, secretariat, django_capture_on_commit_callbacks):
    failed = email_alert(event, status=S.FAILED, attempts=8, last_error="550 mailbox full")
    delivered = email_alert(event, "done@org.example", status=S.DELIVERED, attempts=1)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:notices_alert_changelist"),
            {"action": "retry_failed", "_selected_action": [failed.pk, delivered.pk]},
            headers={"Accept-Language": "en"},
            follow=True,
        )
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 failed alert queued again." in text and "1 selected alert was not failed" in text
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (S.DELIVERED, 1)
    assert [m.to for m in mail.outbox] == [["ops@org.example"]]


def test_admin_delivery_log_filters_by_status_event_and_channel(event, client, secretariat):
    email_alert(event, status=S.FAILED)
    client.force_login(secretariat)
    url = reverse("admin:notices_alert_changelist")
    for query in (
        "?status__exact=failed",
        f"?event__name={supply_events.SUPPLY_REQUEST_APPROVED}",
        "?channel__exact=email",
    ):
        response = client.get(url + query)
        assert response.status_code == 200
        assert "ops@org.example" in response.content.decode()
    assert "ops@org.example" not in client.get(url + "?status__exact=delivered").content.decode()


def test_non_staff_cannot_open_the_delivery_log(client, org_admin):
    client.force_login(org_admin)
    response = client.get(reverse("admin:notices_alert_changelist"))
    assert response.status_code == 302


def test_delivery_progress_counts_the_alerts_of_a_notice(settings):
    event = Event.objects.create(
        name=events.NOTICE_PUBLISHED, object_type="notices.notice", object_id="7", payload={"notice_id": 7}
    )
    other = Event.objects.create(
        name=events.NOTICE_PUBLISHED, object_type="notices.notice", object_id="8", payload={"notice_id": 8}
    )
    for status in (S.DELIVERED, S.DELIVERED, S.PENDING, S.SENDING, S.FAILED):
        email_alert(event, status=status)
    email_alert(other, status=S.DELIVERED)
    assert delivery_progress(notice_id=7) == {"delivered": 2, "pending": 2, "failed": 1}


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_is_refused():
    from notices.alerts import emit

    with pytest.raises(RuntimeError):
        emit(events.NOTICE_ESCALATED, payload={})
    with transaction.atomic(), pytest.raises(ValueError):
        emit("no.such.event", payload={})
