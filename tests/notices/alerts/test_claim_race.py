"""Two workers on the same rows at the same moment, on PostgreSQL: the conditional UPDATE gives each row to one of
them, so every alert is sent once. SQLite serialises every write, so only PostgreSQL (CI) can show the race."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from notices.alerts import services as alert_services
from notices.alerts.models import Alert, Channel, Event
from supply import events as supply_events

from .sinks import SmtpSink

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers on separate connections: SQLite serialises them (CI runs PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]
WORKERS = 4
ALERTS = 400


def _alerts() -> list[int]:
    event = Event.objects.create(name=supply_events.SUPPLY_REQUEST_APPROVED, payload={"material": "Argon"})
    rows = Alert.objects.bulk_create(
        Alert(event=event, channel=Channel.EMAIL, email=f"c{i}@org.example", language="en") for i in range(ALERTS)
    )
    return [a.pk for a in rows]


def _at_once(target) -> list:
    barrier = threading.Barrier(WORKERS)
    results: list = [None] * WORKERS

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_concurrent_claims_share_the_rows_without_overlap():
    ids = _alerts()
    claimed = _at_once(lambda i: alert_services.alerts_claim(alert_ids=ids, token=f"worker-{i}"))
    assert sum(claimed) == ALERTS
    holders = Counter(Alert.objects.values_list("claimed_by", flat=True))
    assert sum(holders.values()) == ALERTS and set(holders) <= {f"worker-{i}" for i in range(WORKERS)}


def test_workers_delivering_the_same_batch_at_once_send_each_alert_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.ALERT_RECORD_EVERY = 7
    ids = _alerts()
    with SmtpSink() as sink:
        settings.EMAIL_PORT = sink.port
        totals = _at_once(lambda i: alert_services.alerts_deliver(alert_ids=ids))
        received = sink.delivery_ids()
    assert sum(t["delivered"] for t in totals) == ALERTS
    assert len(received) == ALERTS and max(received.values()) == 1
    assert set(Alert.objects.values_list("status", flat=True)) == {Alert.Status.DELIVERED}
