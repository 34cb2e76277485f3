"""A real Celery worker against Redis delivers 1,000 alerts, written by emit() and queued on commit, to a loopback
HTTP sink and a loopback SMTP sink: every delivery id arrives exactly once.

Runs when REDIS_URL is set (CI sets it; in CI a missing REDIS_URL fails instead of skipping). The worker is a
subprocess on the test's own database: PostgreSQL's test database, or an SQLite file (SQLITE_TEST_PATH) -- an
in-memory SQLite database cannot be shared, so then the test is skipped, saying why. The chaos variants (Redis
restarted, a worker SIGKILLed mid-burst) are in bench/alerts_chaos.py.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from members.models import Contact, Organisation
from notices import events
from notices.alerts import emit
from notices.alerts.models import Alert, WebhookEndpoint
from tests.members.factories import valid_credit_code

from .sinks import HttpSink, SmtpSink

BASE_DIR = Path(settings.BASE_DIR)
ORGANISATIONS = 500  # each gets one email and one webhook alert: 1,000 alerts
DEADLINE_SECONDS = 120


def _require_redis() -> str:
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        reason = "REDIS_URL is not set: the real-worker alert test needs Redis"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}, and CI must run it.")
        print(f"SKIPPED: {reason}.")
        pytest.skip(reason)
    return redis_url


def database_env() -> dict[str, str]:
    """The environment that points a subprocess at this test's database."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"])
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        return {"DATABASE_URL": f"postgres://{auth}@{host}/{db['NAME']}"}
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return {"DATABASE_URL": "", "SQLITE_PATH": str(db["NAME"])}
    reason = (
        "the test database is in-memory SQLite, which a worker cannot share: set SQLITE_TEST_PATH or use PostgreSQL"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    print(f"SKIPPED: {reason}.")
    pytest.skip(reason)


def start_worker(queue: str, extra_env: dict[str, str], log: Path, concurrency: int = 2) -> subprocess.Popen:
    env = {**os.environ, **extra_env, "CELERY_TASK_ALWAYS_EAGER": "0", "PYTHONUNBUFFERED": "1"}
    pool = ["--pool=prefork", f"--concurrency={concurrency}"] if connection.vendor == "postgresql" else ["--pool=solo"]
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "alliance_portal",
        "worker",
        *pool,
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def make_recipients(count: int, webhook_url: str) -> list[int]:
    orgs = Organisation.objects.bulk_create(
        Organisation(
            slug=f"worker-test-{i}",
            name_zh=f"工人测试{i}",
            name_en=f"Worker test {i}",
            credit_code=valid_credit_code(700_000 + i),
            kind=Organisation.Kind.SUPPLIER,
            status=Organisation.Status.ACTIVE,
            province="hubei",
            city="武汉",
        )
        for i in range(count)
    )
    Contact.objects.bulk_create(
        Contact(organisation=o, name=f"联系人{i}", email=f"c{i}@worker.example", language="en")
        for i, o in enumerate(orgs)
    )
    WebhookEndpoint.objects.bulk_create(WebhookEndpoint(organisation=o, url=webhook_url) for o in orgs)
    return [o.pk for o in orgs]


@pytest.mark.django_db(transaction=True)
def test_real_worker_delivers_1000_alerts_exactly_once(settings, tmp_path):
    from alliance_portal.celery import app

    redis_url = _require_redis()
    db_env = database_env()
    queue = f"alerts-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    conf_before = (app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url)
    with HttpSink() as http_sink, SmtpSink() as smtp_sink:
        env = {
            **db_env,
            "REDIS_URL": redis_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_sink.port),
            "EMAIL_USE_TLS": "0",
            "OUTBOUND_ALLOW_LOOPBACK": "1",
        }
        org_ids = make_recipients(ORGANISATIONS, http_sink.url + "/hook")
        worker = start_worker(queue, env, log)
        try:
            app.conf.task_always_eager = False
            app.conf.task_default_queue = queue
            app.conf.broker_url = redis_url
            started = time.monotonic()
            with transaction.atomic():
                event = emit(events.NOTICE_REMINDER, payload={"notice_id": 1, "organisation_ids": org_ids})
            expected = {str(d) for d in event.alerts.values_list("delivery_id", flat=True)}
            assert len(expected) == 2 * ORGANISATIONS
            while time.monotonic() - started < DEADLINE_SECONDS:
                if sum(http_sink.delivery_ids().values()) + sum(smtp_sink.delivery_ids().values()) >= len(expected):
                    break
                assert worker.poll() is None, log.read_text()[-3000:]
                time.sleep(0.2)
            elapsed = time.monotonic() - started
            # Wait for the worker to record the last outcomes, then for a moment in which a duplicate would show.
            while (
                Alert.objects.exclude(status=Alert.Status.DELIVERED).exists()
                and time.monotonic() - started < DEADLINE_SECONDS
            ):
                time.sleep(0.2)
            time.sleep(1)
        finally:
            stop_worker(worker)
            app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url = conf_before
            _purge(redis_url, queue)
        received = http_sink.delivery_ids() + smtp_sink.delivery_ids()
    print(f"1,000 alerts through a real worker in {elapsed:.1f} s")
    duplicates = {d: n for d, n in received.items() if n > 1}
    assert duplicates == {}, f"delivered more than once: {list(duplicates.items())[:5]}"
    missing = expected - set(received)
    assert not missing, f"{len(missing)} alerts never arrived; worker log:\n{log.read_text()[-3000:]}"
    assert set(received) == expected
    assert smtp_sink.connections <= 2 * ORGANISATIONS // settings.ALERT_EMAIL_BATCH_SIZE + 2  # batched connections
    statuses = dict(Alert.objects.values_list("status").annotate(n=Count("id")).order_by())
    assert statuses == {Alert.Status.DELIVERED: 2 * ORGANISATIONS}


def _purge(redis_url: str, queue: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(queue)
    client.close()
