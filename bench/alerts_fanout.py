"""Fan-out: one notice published to 1,000 organisations with 3 contacts each (3,000 emails), delivered by ONE Celery
worker process to a loopback SMTP sink; next to it, the plain Celery no-op task rate of the same worker and broker.

    createdb -h 127.0.0.1 -U postgres alliance_alerts_bench      # once; the script migrates it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_alerts_bench .venv/bin/python bench/alerts_fanout.py

The notice goes through notices.services (notice_create, notice_publish): publishing writes the event and its 3,000
alert rows in the publishing transaction and queues 30 batch tasks (ALERT_EMAIL_BATCH_SIZE=100, one SMTP connection
each) on commit. Reported: the publishing transaction, the time from publishing until the last email is in the sink,
emails per second, and the no-op rate (celery.accumulate tasks drained from the queue by the same worker). Uses the
private Redis of bench/alerts_chaos.py (127.0.0.1:6391).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alerts_chaos import (
    BENCH_ENV,
    RedisServer,
    Worker,
    check_database,
    clear_alerts,
    make_organisations,
    setup,
    use_broker,
)  # noqa: E402, I001


def wait_drained(redis: RedisServer, queue: str, deadline: float) -> None:
    import redis as redis_client

    client = redis_client.Redis.from_url(redis.url)
    while time.monotonic() < deadline:
        if client.llen(queue) == 0 and client.hlen("unacked") == 0:
            return
        time.sleep(0.01)
    raise TimeoutError("the queue did not drain")


def noop_rate(redis: RedisServer, queue: str, count: int) -> float:
    from alliance_portal.celery import app

    started = time.monotonic()
    with app.producer_or_acquire() as producer:
        for _ in range(count):
            app.send_task("celery.accumulate", args=(1,), queue=queue, producer=producer)
    wait_drained(redis, queue, started + 300)
    return count / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--contacts", type=int, default=3)
    parser.add_argument("--noops", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=1, help="pool processes of the one worker")
    args = parser.parse_args()
    check_database()
    redis = RedisServer()
    redis.start()
    queue = "fanout-bench"
    try:
        setup(redis.url)
        import os

        from django.db.models import Count

        from members.rules import Actor
        from notices import services
        from notices.alerts.models import Alert
        from tests.notices.alerts.sinks import SmtpSink

        clear_alerts()
        org_ids = make_organisations("fanout-", args.organisations, contacts=args.contacts, webhook_url=None)
        expected = args.organisations * args.contacts
        with SmtpSink() as sink:
            env = {**BENCH_ENV, "REDIS_URL": redis.url, "DATABASE_URL": os.environ["DATABASE_URL"],
                   "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port), "EMAIL_USE_TLS": "0"}  # fmt: skip
            worker = Worker(
                queue, env, "fanout", concurrency=args.concurrency, log=Path("/tmp/alerts_fanout_worker.log")
            )
            use_broker(redis.url, queue)
            try:
                time.sleep(3)  # the worker connects
                rate = noop_rate(redis, queue, args.noops)
                notice = services.notice_create(
                    actor=Actor(is_secretariat=True),
                    title_zh="关于保障集成电路材料供应的紧急通知",
                    title_en="Urgent notice on keeping IC materials flowing",
                    body_zh="请各成员单位确认。",
                    body_en="Members, please acknowledge.",
                    category="urgent",
                    audience_kind="organisations",
                    requires_ack=True,
                    organisations=org_ids,
                )
                started = time.monotonic()
                services.notice_publish(actor=Actor(is_secretariat=True), notice=notice)
                committed = time.monotonic()
                while len(sink.delivery_ids()) < expected and time.monotonic() - started < 600:
                    time.sleep(0.05)
                done = time.monotonic()
            finally:
                worker.stop()
            received = sink.delivery_ids()
            connections = sink.connections
        statuses = dict(Alert.objects.values_list("status").annotate(n=Count("id")).order_by())
    finally:
        redis.stop()
    print("| organisations | contacts | emails | publish transaction | all emails in the sink | emails/s | "
          "SMTP connections | received twice | no-op tasks/s |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.organisations} | {args.contacts} | {len(received)}/{expected} | {committed - started:.2f} s | "
        f"{done - started:.1f} s | {len(received) / (done - committed):.0f} | {connections} | "
        f"{sum(1 for n in received.values() if n > 1)} | {rate:.0f} |"
    )
    print(f"alert rows: {statuses}; worker: 1 process, --concurrency={args.concurrency}")
    if len(received) < expected:
        sys.exit("not every email arrived")


if __name__ == "__main__":
    main()
