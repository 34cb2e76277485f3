"""The alert pipeline under chaos: 1,000 alerts through real Celery workers while Redis is restarted, or while a
worker is SIGKILLed, mid-burst. Loopback only, bounded (each scenario gives up after --deadline seconds).

    createdb -h 127.0.0.1 -U postgres alliance_alerts_bench      # once; the script migrates it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_alerts_bench .venv/bin/python bench/alerts_chaos.py

The script starts its own redis-server on 127.0.0.1:6391 without persistence (the machine's Redis is never touched;
a restart loses every queued message, the worst case), an HTTP sink and an SMTP sink on loopback, and two worker
processes (prefork, concurrency 2). emit() writes 500 email and 500 webhook alerts in one transaction and queues them
on commit. When 30 % have arrived: "redis-restart" stops Redis (its queue is lost) and starts it again after two
seconds; "worker-kill" SIGKILLs one worker's whole process group and starts a replacement, as a supervisor would.
Meanwhile the script runs the periodic re-queue every two seconds, as celery beat does every minute, with
ALERT_REQUEUE_GRACE_SECONDS=3 and ALERT_SENDING_TIMEOUT_SECONDS=10 so that a run takes seconds, not minutes.

Reported per scenario: the time until every alert is delivered, alerts delivered (rows), delivery ids received,
missing ids (must be 0: nothing lost), and ids received twice (a worker killed between sending and recording its
outcome sends again with the same delivery id, which the receiver drops: exactly once as the recipient sees it).
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REDIS_PORT = 6391
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "alliance_portal.settings",
    "DJANGO_DEBUG": "0",
    "ALERT_REQUEUE_GRACE_SECONDS": "3",
    "ALERT_SENDING_TIMEOUT_SECONDS": "10",
    "ALERT_WEBHOOK_ALLOW_HTTP_LOOPBACK": "1",
    "CELERY_VISIBILITY_TIMEOUT": "60",
    "CELERY_TASK_ALWAYS_EAGER": "0",
    "LOG_LEVEL": "ERROR",
}


def check_database(force: bool = False) -> str:
    url = os.environ.get("DATABASE_URL", "")
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/alliance_alerts_bench"
        )
    if "bench" not in parsed.path and not force:
        sys.exit(f"Refusing to empty the alert tables of {parsed.path.lstrip('/')!r}: use a database named *bench*.")
    return url


class RedisServer:
    """A private redis-server on loopback, without persistence: a restart loses its queues."""

    def __init__(self, port: int = REDIS_PORT):
        if not shutil.which("redis-server"):
            sys.exit("redis-server is not installed")
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ):
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # no shutdown save: what is queued is gone
            self.process.wait(timeout=10)


class Worker:
    def __init__(self, queue: str, env: dict[str, str], name: str, concurrency: int = 2, log: Path | None = None):
        command = [
            sys.executable, "-m", "celery", "-A", "alliance_portal", "worker", "--pool=prefork",
            f"--concurrency={concurrency}", "-Q", queue, "-n", f"{name}@%h", "--loglevel=ERROR",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        out = log.open("a") if log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self) -> None:
        """SIGKILL to the main process and its pool children: nothing gets to clean up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def setup(redis_url: str) -> None:
    os.environ.update(BENCH_ENV)
    os.environ["REDIS_URL"] = redis_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_organisations(prefix: str, count: int, contacts: int, webhook_url: str | None) -> list[int]:
    from members.models import Contact, Organisation
    from notices.alerts.models import WebhookEndpoint
    from tests.members.factories import valid_credit_code

    Organisation.objects.filter(slug__startswith=prefix).delete()
    base = 900_000 if prefix.startswith("chaos") else 950_000
    orgs = Organisation.objects.bulk_create(
        Organisation(
            slug=f"{prefix}{i}", name_zh=f"基准{i}", name_en=f"Bench {i}", credit_code=valid_credit_code(base + i),
            kind=Organisation.Kind.SUPPLIER, status=Organisation.Status.ACTIVE, province="hubei", city="武汉",
        )
        for i in range(count)
    )  # fmt: skip
    Contact.objects.bulk_create(
        Contact(
            organisation=o,
            name=f"联系人{i}-{j}",
            email=f"c{i}-{j}@bench.example",
            language="en" if j % 2 else "zh-hans",
        )
        for i, o in enumerate(orgs)
        for j in range(contacts)
    )
    if webhook_url:
        WebhookEndpoint.objects.bulk_create(WebhookEndpoint(organisation=o, url=webhook_url) for o in orgs)
    return [o.pk for o in orgs]


def clear_alerts() -> None:
    from notices.alerts.models import Alert, Event

    Alert.objects.all().delete()
    Event.objects.filter(alerts__isnull=True).delete()


def use_broker(redis_url: str, queue: str) -> None:
    from alliance_portal.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    app.conf.task_default_queue = queue


def run_scenario(name: str, org_ids: list[int], redis: RedisServer, deadline: float, log: Path) -> dict:
    from django.db import transaction
    from django.db.models import Count

    from notices import events
    from notices.alerts import emit
    from notices.alerts import services as alert_services
    from notices.alerts.models import Alert
    from tests.notices.alerts.sinks import HttpSink, SmtpSink

    clear_alerts()
    queue = f"chaos-{name}"
    with HttpSink() as http_sink, SmtpSink() as smtp_sink:
        from notices.alerts.models import WebhookEndpoint

        WebhookEndpoint.objects.filter(organisation_id__in=org_ids).update(url=http_sink.url + "/hook")
        env = {**BENCH_ENV, "REDIS_URL": redis.url, "DATABASE_URL": os.environ["DATABASE_URL"],
               "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_sink.port), "EMAIL_USE_TLS": "0"}  # fmt: skip
        workers = [Worker(queue, env, f"{queue}-{i}", log=log) for i in range(2)]
        use_broker(redis.url, queue)
        time.sleep(2)  # let the workers connect
        started = time.monotonic()
        with transaction.atomic():
            event = emit(events.NOTICE_REMINDER, payload={"notice_id": 0, "organisation_ids": org_ids})
        expected = {str(d) for d in event.alerts.values_list("delivery_id", flat=True)}
        chaos_done, chaos_at, requeued, last_requeue = name == "baseline", None, 0, time.monotonic()
        while time.monotonic() - started < deadline:
            received = http_sink.delivery_ids() + smtp_sink.delivery_ids()
            if not chaos_done and len(received) >= 0.3 * len(expected):
                chaos_at = len(received)
                if name == "redis-restart":
                    redis.stop()
                    time.sleep(2)
                    redis.start()
                elif name == "worker-kill":
                    workers[0].kill()
                    workers.append(Worker(queue, env, f"{queue}-replacement", log=log))
                chaos_done = True
            if time.monotonic() - last_requeue >= 2:
                try:
                    requeued += alert_services.alerts_requeue()["queued"]
                except Exception as exc:  # Redis may be down right now; beat would try again next time
                    print(f"  requeue failed: {type(exc).__name__}", file=sys.stderr)
                last_requeue = time.monotonic()
            if expected <= set(received) and not Alert.objects.exclude(status=Alert.Status.DELIVERED).exists():
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        time.sleep(1)
        for worker in workers:
            worker.stop()
        received = http_sink.delivery_ids() + smtp_sink.delivery_ids()
    statuses = dict(Alert.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "scenario": name,
        "alerts": len(expected),
        "seconds": round(elapsed, 1),
        "chaos_after": chaos_at,
        "delivered_rows": statuses.get("delivered", 0),
        "received_ids": len(set(received) & expected),
        "missing": len(expected - set(received)),
        "received_twice": sum(1 for n in received.values() if n > 1),
        "requeued": requeued,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=["baseline", "redis-restart", "worker-kill", "all"], default="all")
    parser.add_argument("--deadline", type=float, default=120)
    args = parser.parse_args()
    check_database()
    redis = RedisServer()
    redis.start()
    log = Path("/tmp/alerts_chaos_workers.log")
    log.write_text("")
    try:
        setup(redis.url)
        org_ids = make_organisations("chaos-", 500, contacts=1, webhook_url="http://127.0.0.1:9/unset")
        scenarios = ["baseline", "redis-restart", "worker-kill"] if args.scenario == "all" else [args.scenario]
        results = [run_scenario(s, org_ids, redis, args.deadline, log) for s in scenarios]
    finally:
        redis.stop()
    columns = list(results[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for result in results:
        print("| " + " | ".join(str(result[c]) for c in columns) + " |")
    if any(r["missing"] for r in results):
        sys.exit("alerts were lost")


if __name__ == "__main__":
    main()
