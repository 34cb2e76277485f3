"""`make bench`: a mixed load on the production stack, on loopback, at 1, 4 and 16 concurrent users.

    .venv/bin/python bench/load/run.py [--users 1,4,16] [--duration 60] [--reuse]

1. PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) are started as .ci/run does when they are
   not running (and left running, like CI leaves them).
2. The benchmark's own database `alliance_bench_load` is created afresh (dropped first if it exists; with --reuse an
   already filled one is kept), migrated, seeded (`seed_demo`) and filled by bench/load/fill.py: 500 organisations,
   20,000 supply requests, 5,000 pledges, 200 notices, 50,000 alerts. Redis database 13 is the benchmark's (the
   tests use 0) and is emptied first.
3. The stack starts with the production settings (DJANGO_ENV=production, DEBUG off, a random SECRET_KEY,
   ALLOWED_HOSTS, SITE_URL, DATABASE_URL, REDIS_URL, EMAIL_HOST): `collectstatic`, gunicorn with 2 sync workers on
   127.0.0.1, a Celery worker (2 processes) and Celery beat. Emails go over SMTP to a sink on loopback started here
   (plain SMTP: EMAIL_USE_TLS=0); webhooks stay refused for loopback as production has it.
4. The users sign in first (the login form; PBKDF2 costs about half a second of a worker each, so the sign-ins are
   made and timed before the measured runs and their sessions handed to Locust), then Locust runs headless at each
   level for --duration seconds (bench/load/locustfile.py: the mix is described there).
5. The table (requests/s, p50/p95/p99, failures, 5xx, workflow 409s) is printed and written with the machine and the
   command to test-output/bench-load/results.{json,md}; the alerts the load caused are counted (delivered to the
   sink by the worker). Gunicorn, the worker and beat are stopped; their logs stay in test-output/bench-load/.

Traffic goes only to 127.0.0.1.
"""

import argparse
import csv
import json
import os
import platform
import re
import resource
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
OUT = ROOT / "test-output" / "bench-load"
DATABASE = "alliance_bench_load"
PG = ("127.0.0.1", "5432")
DATABASE_URL = f"postgres://postgres@{PG[0]}:{PG[1]}/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/13"


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default=os.environ.get("BENCH_USERS", "1,4,16"), help="concurrency levels")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "60")), help="seconds")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "0")), help="0: a free port")
    parser.add_argument("--reuse", action="store_true", help="keep an already filled benchmark database")
    return parser.parse_args()


def run(command: list[str], *, env: dict | None = None, quiet: bool = False) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {shlex.join(command)}")
    if not quiet:
        for line in result.stdout.splitlines():
            if line.startswith("[fill]"):
                print(line, flush=True)
    return result.stdout


def psql(sql: str, database: str = "postgres") -> str:
    command = ["psql", "-h", PG[0], "-p", PG[1], "-U", "postgres", "-d", database, "-tAc", sql]
    return run(command, quiet=True).strip()


def services_up() -> None:
    """Like .ci/run: start PostgreSQL and Redis when they are not answering."""

    def pg_up() -> bool:
        return subprocess.run(["pg_isready", "-q", "-h", PG[0], "-p", PG[1]]).returncode == 0

    def redis_up() -> bool:
        ping = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], capture_output=True, text=True)
        return ping.stdout.strip() == "PONG"

    if not pg_up():
        say("PostgreSQL is not running; starting it.")
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])
    if not redis_up():
        say("Redis is not running; starting it.")
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", ""])
    for _ in range(30):
        if pg_up() and redis_up():
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) is unreachable.")


def prepare_database(reuse: bool, logins: Path) -> None:
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'") == "1"
    if exists and not reuse:
        say(f"dropping the benchmark's own database {DATABASE}")
        psql(f"DROP DATABASE {DATABASE} WITH (FORCE)")
        exists = False
    if not exists:
        psql(f"CREATE DATABASE {DATABASE}")
    # Setting up is done with the development settings: seed_demo refuses production (published passwords).
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_ENV": "development"}
    env.pop("REDIS_URL", None)
    started = time.perf_counter()
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env)
    run([sys.executable, "manage.py", "seed_demo"], env=env, quiet=True)
    run([sys.executable, "bench/load/fill.py", str(logins)], env=env)
    say(f"database ready in {time.perf_counter() - started:.0f} s")
    run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "FLUSHDB"], quiet=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def static_stale() -> bool:
    """collectstatic (hashed and compressed: minutes on a busy machine) only when a static file or the pins changed."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    newest = max(path.stat().st_mtime for path in [ROOT / "requirements.txt", *(ROOT / "static").rglob("*")])
    stale = newest > manifest.stat().st_mtime
    say("collectstatic (production storage: hashed, compressed)" if stale else "static files are up to date")
    return stale


def production_env(port: int, smtp_port: int) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_", "EMAIL_"))}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"https://127.0.0.1:{port}",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="0",  # the loopback sink speaks plain SMTP
        LOG_LEVEL="WARNING",
    )
    return env


class Stack:
    """gunicorn, a Celery worker and beat, each in its own process group, stopped together."""

    def __init__(self, env: dict, port: int):
        self.env, self.port, self.processes = env, port, {}

    def start(self, name: str, command: list[str]) -> None:
        log = (OUT / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def __enter__(self):
        bin_ = str(VENV_BIN)
        self.start(
            "gunicorn",
            [f"{bin_}/gunicorn", "alliance_portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{self.port}"],
        )
        celery = [f"{bin_}/celery", "-A", "alliance_portal"]
        self.start("worker", [*celery, "worker", "--concurrency", "2", "-l", "warning", "--without-gossip"])
        self.start("beat", [*celery, "beat", "-l", "warning", "-s", str(OUT / "celerybeat-schedule")])
        self.wait_healthy()
        return self

    def wait_healthy(self) -> None:
        import requests

        for _ in range(120):
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise SystemExit(f"{name} stopped at start; see {OUT / (name + '.log')}")
            try:
                response = requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=5)
                if response.status_code == 200 and response.json()["status"] == "ok":
                    say(f"stack up: gunicorn on 127.0.0.1:{self.port}, {response.json()}")
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise SystemExit("the stack did not become healthy in 120 s")

    def __exit__(self, *exc):
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        say("gunicorn, the worker and beat are stopped")


def sign_in(port: int, logins: dict, count: int) -> tuple[list[dict], list[float]]:
    """`count` sets of sessions (fab member, supplier administrator, secretariat), made through the login form."""
    import requests

    origin = f"https://127.0.0.1:{port}"
    timings, sets = [], []

    def login(username: str, password: str) -> dict:
        # The cookies are Secure and this is plain HTTP on loopback: carried by hand, as the browser would over HTTPS.
        url = f"http://127.0.0.1:{port}/accounts/login/"
        headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/accounts/login/"}
        page = requests.get(url, headers=headers, timeout=30)
        page.raise_for_status()
        token = page.cookies["csrftoken"]
        started = time.perf_counter()
        response = requests.post(
            url,
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={**headers, "Cookie": f"csrftoken={token}"},
            allow_redirects=False,
            timeout=30,
        )
        timings.append(time.perf_counter() - started)
        if response.status_code != 302 or "sessionid" not in response.cookies:
            raise SystemExit(f"{username} could not sign in ({response.status_code})")
        return {"sessionid": response.cookies["sessionid"], "csrftoken": response.cookies.get("csrftoken", token)}

    for index in range(count):
        sets.append(
            {
                "member": login(logins["fab_members"][index % len(logins["fab_members"])], logins["password"]),
                "supplier": login(
                    logins["supplier_admins"][index % len(logins["supplier_admins"])], logins["password"]
                ),
                "staff": login(*logins["secretariat"]),
                "partner_key": logins["partner_keys"][index % len(logins["partner_keys"])],
            }
        )
    return sets, timings


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU time of the live processes of a process group (gunicorn's master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ..., utime (11), stime (12)
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot (/proc/stat): everyone's work, not only ours."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def locust(port: int, users: int, duration: int, sessions: Path, server_pgid: int) -> dict:
    prefix = OUT / f"u{users}"
    conflicts = OUT / f"u{users}-conflicts.json"
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        "bench/load/locustfile.py",
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "LOAD_SESSIONS": str(sessions), "LOAD_CONFLICTS": str(conflicts)}
    server_cpu = group_cpu_seconds(server_pgid)
    cpu_busy, cpu_total = machine_cpu()
    own = resource.getrusage(resource.RUSAGE_CHILDREN)
    with (OUT / f"u{users}-locust.log").open("w") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server_cpu = group_cpu_seconds(server_pgid) - server_cpu
    busy_after, total_after = machine_cpu()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(f"{prefix}_failures.csv", newline="") as handle:
        failures = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    five_xx = sum(int(f["Occurrences"]) for f in failures if re.search(r"\b5\d\d\b", f["Error"]))
    return {
        "users": users,
        "gunicorn_cpu_s": round(server_cpu, 1),
        "locust_cpu_s": round(locust_cpu, 1),
        "machine_busy_pct": round(100 * (busy_after - cpu_busy) / max(1, total_after - cpu_total)),
        "requests": int(total["Request Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "failures": int(total["Failure Count"]),
        "server_errors": five_xx,
        "failure_detail": [{k: f[k] for k in ("Method", "Name", "Error", "Occurrences")} for f in failures],
        "conflicts": json.loads(conflicts.read_text()) if conflicts.exists() else {},
        "endpoints": [
            {
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
                "failures": int(row["Failure Count"]),
            }
            for row in rows
            if row["Name"] != "Aggregated"
        ],
    }


def machine() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line))
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": psql("SHOW server_version"),
        "redis": subprocess.run(["redis-server", "--version"], capture_output=True, text=True)
        .stdout.split()[2]
        .removeprefix("v="),
    }


def alert_counts(since: str) -> dict:
    rows = psql(f"SELECT status, count(*) FROM notices_alert WHERE created_at >= '{since}' GROUP BY status", DATABASE)
    return {status: int(n) for status, n in (line.split("|") for line in rows.splitlines() if line)}


def report(results: list[dict], info: dict, logins: list[float], extra: dict) -> str:
    lines = [
        "| users | requests | requests/s | p50 ms | p95 ms | p99 ms | failures | 5xx | workflow 409s "
        "| gunicorn CPU s (ms/request) | Locust CPU s | machine CPU busy |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['users']} | {r['requests']:,} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
            f"| {r['failures']} | {r['server_errors']} | {sum(r['conflicts'].values())} "
            f"| {r['gunicorn_cpu_s']:.1f} ({r['gunicorn_cpu_s'] * 1000 / max(1, r['requests']):.0f}) "
            f"| {r['locust_cpu_s']:.1f} | {r['machine_busy_pct']}% |"
        )
    lines += [
        "",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory_gib']} GiB, Python {info['python']}, "
        f"PostgreSQL {info['postgresql']}, Redis {info['redis']}. Load average before: {extra['load_before']}, "
        f"after: {extra['load_after']}.",
        f"Sign-ins before the runs: {len(logins)}, median {statistics.median(logins) * 1000:.0f} ms.",
        f"Alerts made by the load: {extra['alerts']}; emails received by the SMTP sink: {extra['emails']}.",
        f"Command: {extra['command']}",
    ]
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    levels = [int(n) for n in args.users.split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    load_before = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    services_up()
    logins_path, sessions_path = OUT / "logins.json", OUT / "sessions.json"
    prepare_database(args.reuse, logins_path)
    from tests.notices.alerts.sinks import SmtpSink

    with SmtpSink() as sink:
        port = args.port or free_port()
        env = production_env(port, sink.port)
        if static_stale():
            run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, quiet=True)
        started_at = psql("SELECT now()")
        with Stack(env, port) as stack:
            sets, login_times = sign_in(port, json.loads(logins_path.read_text()), max(levels))
            sessions_path.write_text(json.dumps({**json.loads(logins_path.read_text()), "sessions": sets}))
            say(f"{len(login_times)} sign-ins, median {statistics.median(login_times) * 1000:.0f} ms")
            results = []
            for users in levels:
                say(f"{users} concurrent users for {args.duration} s ...")
                result = locust(port, users, args.duration, sessions_path, stack.processes["gunicorn"].pid)
                results.append(result)
                say(
                    f"  {result['requests']:,} requests, {result['rps']:.1f}/s, p50 {result['p50']:.0f} ms, "
                    f"p95 {result['p95']:.0f} ms, p99 {result['p99']:.0f} ms, {result['failures']} failures"
                )
            # Give the worker a moment to deliver what the last level raised.
            for _ in range(30):
                if not alert_counts(started_at).get("pending") and not alert_counts(started_at).get("sending"):
                    break
                time.sleep(1)
        alerts = alert_counts(started_at)
        emails = len(sink.messages)
    extra = {
        "load_before": load_before,
        "load_after": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
        "alerts": ", ".join(f"{n} {status}" for status, n in sorted(alerts.items())) or "none",
        "emails": emails,
        "command": "make bench  (" + shlex.join([Path(sys.executable).name, *sys.argv]) + ")",
    }
    info = machine()
    table = report(results, info, login_times, extra)
    (OUT / "results.json").write_text(json.dumps({"machine": info, "results": results, **extra}, indent=1))
    (OUT / "results.md").write_text(table + "\n")
    print("\n" + table)
    for result in results:
        for failure in result["failure_detail"]:
            print(f"  {result['users']} users: {failure}")
    errors_5xx = sum(r["server_errors"] for r in results)
    if errors_5xx:
        say(f"{errors_5xx} server errors: tracebacks in {OUT / 'gunicorn.log'}")


if __name__ == "__main__":
    main()
