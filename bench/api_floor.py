"""`make bench-api`: each API list (and the secretariat's web queue) against the floor, a bare `.values()` JSON view of
the same page of the same rows, on the production stack, interleaved, in one run.

    .venv/bin/python bench/api_floor.py [--duration 5] [--rounds 3] [--connections 8] [--reuse] [--only notices]

1. PostgreSQL (127.0.0.1:5432, user postgres) must be running; Redis (127.0.0.1:6379) is used when it answers
   (database 12, emptied first), as production has it. The benchmark's own database `ap_bench` (or --database) is
   made afresh (dropped first; --reuse keeps a filled one), migrated, seeded (`seed_demo`) and filled: about 10,000
   rows per list (bench/load/fill.py's alliance, with its constants raised, plus 10,000 commitments of one supplier
   and 10,000 alerts of one partner).
2. gunicorn serves it with 2 sync workers and the production settings (DJANGO_ENV=production, DEBUG off), the API's
   throttles raised out of the way, and API_BENCH_VIEWS=1, which adds the bare views (alliance_portal/bench_views.py;
   never in a real deployment's URLs).
3. For each list: the queries a page makes (counted in process with Django's test client and
   CaptureQueriesContext, second request), then `wrk` (-t2, --connections, --duration seconds) on the API page
   and on its bare view, one after the other, the whole set --rounds times; the median of the rounds is reported.
   Without `wrk` (Debian package `wrk`) the script falls back to a small Python load generator with threads (and
   says so): its own CPU then competes with the server's, which lowers both numbers alike.
   Beside the lists, a hand-written alerts page (alliance_portal.bench_views.ceiling_alerts: the API's answer without
   DRF, serializers or model instances) is measured the same way: the bound on what any list reaches on this stack.
4. Prints the table (list, API rps, bare rps, ratio, queries a page) with the machine and its load average, and
   writes it to test-output/bench-api/results.md.

Traffic goes only to 127.0.0.1.
"""

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
OUT = ROOT / "test-output" / "bench-api"
PG = ("127.0.0.1", "5432")
REDIS_URL = "redis://127.0.0.1:6379/12"
SECRETARIAT = ("secretariat", "demo-secretariat-2020")  # seed_demo's staff login
ROWS = 10_000
THROTTLE_OFF = "1000000/minute"


def say(message: str) -> None:
    print(f"[bench-api] {message}", flush=True)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="ap_bench")
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    parser.add_argument("--only", metavar="WORD", help="only the lists whose name contains WORD (e.g. notices)")
    parser.add_argument("--fill", metavar="OUT_JSON", help=argparse.SUPPRESS)  # internal: the fill step
    parser.add_argument("--queries", metavar="TARGETS_JSON", help=argparse.SUPPRESS)  # internal: query counts
    return parser.parse_args()


def database_url(name: str) -> str:
    return f"postgres://postgres@{PG[0]}:{PG[1]}/{name}"


# --- the fill and the query counts (run in a child process with the development settings) -------------------------


def fill(out: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_load_fill", ROOT / "bench" / "load" / "fill.py")
    assert spec is not None and spec.loader is not None
    load_fill = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load_fill)  # checks the database name and sets Django up
    for name in ("ORGANISATIONS", "SUPPLY_REQUESTS", "PLEDGES", "NOTICES", "ALERTS"):
        setattr(load_fill, name, ROWS)

    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from members import services as member_services
    from members.models import Organisation
    from members.rules import Actor
    from notices.alerts.models import Alert
    from notices.models import Notice
    from supply.models import Commitment, SupplyRequest

    staff = get_user_model().objects.get(username=SECRETARIAT[0])
    with transaction.atomic():
        load_fill.add_organisations()
        load_fill.add_supply_requests()
        load_fill.add_pledges()
        load_fill.add_notices(staff)
        load_fill.add_alerts()
        if any(field.name == "body_html_zh" for field in Notice._meta.get_fields()):
            # bulk_create calls no save(): the notices' stored HTML, as a write through the model stores it.
            from alliance_portal.markdown import render

            for zh, en in Notice.objects.order_by().values_list("body_zh", "body_en").distinct():
                Notice.objects.filter(body_zh=zh, body_en=en).update(
                    body_html_zh=str(render(zh)), body_html_en=str(render(en))
                )
        partner = Organisation.objects.filter(slug__startswith="load-partner-").order_by("pk").first()
        supplier = Organisation.objects.filter(slug__startswith="load-supplier-").order_by("pk").first()
        assert partner is not None and supplier is not None
        Alert.objects.update(organisation=partner)
        if not Commitment.objects.filter(supplier=supplier).exists():
            approved = list(SupplyRequest.objects.filter(status="approved").values_list("pk", flat=True)[:ROWS])
            today = timezone.localdate()
            rows = [
                Commitment(
                    request_id=approved[index % len(approved)],
                    supplier=supplier,
                    quantity=Decimal(5),
                    expected_ship_date=today + timedelta(days=index % 20),
                    unit_price=Decimal("12.50"),
                    notes="bench",
                )
                for index in range(ROWS)
            ]
            Commitment.objects.bulk_create(rows, batch_size=5000)
            # Distinct creation times, as commitments made one by one have.
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE supply_commitment SET created_at = created_at - (id * interval '1 second') "
                    "WHERE supplier_id = %s",
                    [supplier.pk],
                )
        keys = {}
        for label, organisation in (("partner", partner), ("supplier", supplier)):
            _key, raw = member_services.api_key_issue(
                actor=Actor(is_secretariat=True), organisation=organisation, name="api floor bench", scope="read"
            )
            keys[label] = raw
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out.write_text(json.dumps({"keys": keys, "partner_id": partner.pk, "supplier_id": supplier.pk}))
    say("filled: " + ", ".join(f"{n:,} {name}" for name, n in load_fill.counts().items()))


def count_queries(targets_path: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    targets = json.loads(targets_path.read_text())
    staff = Client(HTTP_X_FORWARDED_PROTO="https")
    staff.force_login(get_user_model().objects.get(username=SECRETARIAT[0]))
    counts = {}
    for target in targets:
        if target["auth"] == "session":
            client = staff
        else:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {target['auth']}", HTTP_X_FORWARDED_PROTO="https")
        client.get(target["path"])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target["path"])
        assert response.status_code == 200, (target["path"], response.status_code)
        counts[target["name"]] = len(queries)
    print(json.dumps(counts))


# --- the run ------------------------------------------------------------------------------------------------------


def run(command: list[str], *, env: dict | None = None, capture: bool = False) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=capture, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stdout or ''}{result.stderr or ''}")
    return result.stdout if capture else ""


def psql(sql: str) -> str:
    return run(["psql", "-h", PG[0], "-p", PG[1], "-U", "postgres", "-d", "postgres", "-tAc", sql], capture=True)


def redis_up() -> bool:
    if not shutil.which("redis-cli"):
        return False
    ping = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], capture_output=True, text=True)
    return ping.stdout.strip() == "PONG"


def prepare(args, setup_env: dict) -> dict:
    info_path = OUT / "fill.json"
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{args.database}'").strip() == "1"
    if exists and args.reuse and info_path.exists():
        say(f"reusing the filled database {args.database}")
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=setup_env)
        return json.loads(info_path.read_text())
    if exists:
        psql(f"DROP DATABASE {args.database} WITH (FORCE)")
    psql(f"CREATE DATABASE {args.database}")
    started = time.perf_counter()
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=setup_env)
    run([sys.executable, "manage.py", "seed_demo", "--quiet-logins"], env=setup_env, capture=True)
    run([sys.executable, __file__, "--database", args.database, "--fill", str(info_path)], env=setup_env)
    say(f"database ready in {time.perf_counter() - started:.0f} s")
    return json.loads(info_path.read_text())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sign_in(port: int) -> str:
    """The secretariat's session cookie, through the login form (the cookie is Secure: carried by hand)."""
    import requests

    origin = f"https://127.0.0.1:{port}"
    url = f"http://127.0.0.1:{port}/accounts/login/"
    headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/accounts/login/"}
    page = requests.get(url, headers=headers, timeout=30)
    token = page.cookies["csrftoken"]
    response = requests.post(
        url,
        data={"username": SECRETARIAT[0], "password": SECRETARIAT[1], "csrfmiddlewaretoken": token},
        headers={**headers, "Cookie": f"csrftoken={token}"},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302 or "sessionid" not in response.cookies:
        raise SystemExit(f"the secretariat could not sign in ({response.status_code})")
    return response.cookies["sessionid"]


def targets(info: dict) -> list[dict]:
    """(name, API path, who, bare path): the bare view filtered to the same rows the caller sees."""
    partner, supplier = info["keys"]["partner"], info["keys"]["supplier"]
    open_requests = "status__in=submitted,approved"
    return [
        {
            "name": "supply-requests (partner key)",
            "path": "/api/v1/supply-requests/",
            "auth": partner,
            "bare": f"/bench/bare/supply-requests/?{open_requests}",
        },
        {
            "name": "supply-requests (staff session)",
            "path": "/api/v1/supply-requests/",
            "auth": "session",
            "bare": "/bench/bare/supply-requests/",
        },
        {
            "name": "organizations (partner key)",
            "path": "/api/v1/organizations/",
            "auth": partner,
            "bare": "/bench/bare/organizations/?status=active",
        },
        {
            "name": "notices (partner key)",
            "path": "/api/v1/notices/",
            "auth": partner,
            "bare": "/bench/bare/notices/?status__in=published,archived",
        },
        {
            "name": "alerts (partner key)",
            "path": "/api/v1/alerts/",
            "auth": partner,
            "bare": f"/bench/bare/alerts/?organisation_id={info['partner_id']}",
        },
        {
            "name": "commitments (supplier key)",
            "path": "/api/v1/commitments/",
            "auth": supplier,
            "bare": f"/bench/bare/commitments/?supplier_id={info['supplier_id']}",
        },
        {"name": "sites (staff session)", "path": "/api/v1/sites/", "auth": "session", "bare": "/bench/bare/sites/"},
        {
            "name": "pledges (staff session)",
            "path": "/api/v1/pledges/",
            "auth": "session",
            "bare": "/bench/bare/pledges/",
        },
        {
            # Not an API list: the alerts page written by hand as lean as it can be (alliance_portal.bench_views),
            # the bound on what any list on this stack can reach against the same bare view.
            "name": "alerts, hand-written ceiling (no DRF)",
            "path": "/bench/ceiling/alerts/",
            "auth": partner,
            "bare": f"/bench/bare/alerts/?organisation_id={info['partner_id']}",
        },
        {
            "name": "web /supply/secretariat/ (staff)",
            "path": "/supply/secretariat/",
            "auth": "session",
            "bare": f"/bench/bare/supply-requests/?{open_requests}",
        },
    ]


def headers_for(auth: str, session: str) -> dict:
    headers = {"X-Forwarded-Proto": "https", "Accept-Language": "en"}
    if auth == "session":
        headers["Cookie"] = f"sessionid={session}"
    elif auth:
        headers["Authorization"] = f"Bearer {auth}"
    return headers


def load_wrk(url: str, headers: dict, args) -> tuple[float, int]:
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = run([*command, url], capture=True)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rps, int(bad.group(1)) if bad else 0


def load_threads(url: str, headers: dict, args) -> tuple[float, int]:
    done, bad = [0], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + args.duration

    def worker():
        while time.monotonic() < deadline:
            request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310
                    response.read()
                    ok = response.status < 300
            except Exception:
                ok = False
            with lock:
                done[0] += 1
                bad[0] += 0 if ok else 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.monotonic() - started), bad[0]


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    with contextlib.suppress(OSError, StopIteration):
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return f"{platform.node()}: {cpus} CPUs ({model}), Python {platform.python_version()}, {platform.platform()}"


def main() -> None:
    args = parse_args()
    if args.fill:
        os.environ["DATABASE_URL"] = database_url(args.database)
        fill(Path(args.fill))
        return
    if args.queries:
        count_queries(Path(args.queries))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["pg_isready", "-q", "-h", PG[0], "-p", PG[1]]).returncode != 0:
        raise SystemExit("PostgreSQL does not answer on 127.0.0.1:5432.")
    use_redis = redis_up()
    if use_redis:
        run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "FLUSHDB"], capture=True)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "EMAIL_", "API_"))}
    base_env.pop("REDIS_URL", None)
    url = database_url(args.database)
    if "bench" not in args.database:
        raise SystemExit("the benchmark's database name must contain 'bench' (it is dropped and made anew)")
    setup_env = {**base_env, "DATABASE_URL": url, "DJANGO_ENV": "development"}
    info = prepare(args, setup_env)
    plan = [target for target in targets(info) if not args.only or args.only in target["name"]]
    if not plan:
        raise SystemExit(f"no list's name contains {args.only!r}")
    (OUT / "targets.json").write_text(json.dumps(plan))
    queries = json.loads(
        run(
            [sys.executable, __file__, "--queries", str(OUT / "targets.json")],
            env={**setup_env, "API_BENCH_VIEWS": "1"},
            capture=True,
        )
        .strip()
        .splitlines()[-1]
    )

    port = free_port()
    env = {
        **base_env,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "DATABASE_URL": url,
        "EMAIL_HOST": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "API_BENCH_VIEWS": "1",
        "API_KEY_RATE": THROTTLE_OFF,
        "API_USER_RATE": THROTTLE_OFF,
        "API_ANON_RATE": THROTTLE_OFF,
    }
    if use_redis:
        env["REDIS_URL"] = REDIS_URL
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        say("collectstatic (the web page needs the static manifest)")
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env)
    log = (OUT / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "alliance_portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    load = load_wrk if shutil.which("wrk") else load_threads
    say("load: wrk" if load is load_wrk else "load: wrk is not installed; a Python load generator with threads")
    results: dict[str, dict[str, list[float]]] = {t["name"]: {"api": [], "bare": [], "bad": []} for t in plan}
    loads = []
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)  # noqa: S310  # nosec B310
                break
            except Exception:
                if server.poll() is not None:
                    raise SystemExit(f"gunicorn stopped; see {OUT / 'gunicorn.log'}") from None
                time.sleep(1)
        session = sign_in(port)
        base = f"http://127.0.0.1:{port}"
        for round_ in range(1, args.rounds + 1):
            say(f"round {round_} of {args.rounds}")
            for target in plan:
                headers = headers_for(target["auth"], session)
                api_rps, api_bad = load(base + target["path"], headers, args)
                bare_rps, bare_bad = load(base + target["bare"], {"X-Forwarded-Proto": "https"}, args)
                results[target["name"]]["api"].append(api_rps)
                results[target["name"]]["bare"].append(bare_rps)
                results[target["name"]]["bad"].append(api_bad + bare_bad)
                loads.append(os.getloadavg()[0])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    lines = [
        "| list | API rps | bare rps | ratio | queries a page |",
        "|---|---|---|---|---|",
    ]
    for target in plan:
        row = results[target["name"]]
        api, bare = statistics.median(row["api"]), statistics.median(row["bare"])
        flag = f" ({int(sum(row['bad']))} non-2xx!)" if sum(row["bad"]) else ""
        lines.append(
            f"| `{target['name']}` | {api:.0f} | {bare:.0f} | {api / bare:.2f} | {queries[target['name']]} |{flag}"
        )
    command = "make bench-api  # " + " ".join(sys.argv)
    text = "\n".join(
        [
            *lines,
            "",
            f"Machine: {machine()}",
            f"Load average (1 min) during the run: min {min(loads):.2f}, median {statistics.median(loads):.2f}, "
            f"max {max(loads):.2f}",
            f"Load: {'wrk -t2' if load is load_wrk else 'Python threads'}, {args.connections} connections, "
            f"{args.duration} s per page, {args.rounds} interleaved rounds (median); "
            f"Redis {'on' if use_redis else 'off'}",
            f"Command: {command}",
        ]
    )
    print(text)
    (OUT / "results.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
