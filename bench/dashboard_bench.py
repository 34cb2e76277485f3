"""Times the secretariat's dashboard and GET /api/v1/stats/ with 10 and then 500 members, each with 90 days of
status reports.

    .venv/bin/python bench/dashboard_bench.py          # a throwaway SQLite file in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_dashboard_bench .venv/bin/python bench/dashboard_bench.py

The data is bulk-created: members in five provinces (a fifth of them fabs, each with open supply requests and days
of stock in its reports), 90 daily reports per member, commitments, alerts, notices asking for acknowledgement,
assistance cases, pledges. Each page is fetched in process with Django's test Client (middleware, authentication, view,
template or serializer): three warm-up fetches, then --runs timed ones; the median and the fastest are reported with the
page's SQL queries (on a busy machine the fastest is the steadier figure). Then 490 more members are
added (500 in all) and the same is measured again. The target: the large case
takes less than twice as long as the small one, with the same number of queries.

With DATABASE_URL the database must be new (no organisation in it) and its name must contain "bench".
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")  # as in production: no query log kept in memory

DAYS = 90
WARMUP = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed fetches of each page (median reported)")
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=500)
    return parser.parse_args()


args = parse_args()
_tmp = None
if os.environ.get("DATABASE_URL"):
    name = urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to fill {name!r}: use a new database whose name contains 'bench'.")
else:
    _tmp = tempfile.TemporaryDirectory(prefix="dashboard-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from assistance.models import AssistanceCase  # noqa: E402
from donations.models import Appeal, Pledge  # noqa: E402
from members.management.commands.seed_demo import demo_credit_code  # noqa: E402
from members.models import (  # noqa: E402
    ApiKey,
    MaterialCategory,
    Membership,
    Organisation,
    RiskArea,
    Site,
    StatusReport,
    StockLevel,
    hash_api_key,
)
from members.risk import refresh_site_risk_levels  # noqa: E402
from notices.alerts.models import Alert, Event  # noqa: E402
from notices.models import Acknowledgement, Notice  # noqa: E402
from supply.models import Commitment, SupplyRequest  # noqa: E402

PROVINCES = [
    ("hubei", "武汉", "Wuhan", "420100"),
    ("shanghai", "上海", "Shanghai", "310115"),
    ("jiangsu", "无锡", "Wuxi", "320214"),
    ("guangdong", "深圳", "Shenzhen", "440300"),
    ("beijing", "北京", "Beijing", "110302"),
]


def say(message: str) -> None:
    print(message, flush=True)


def set_up() -> tuple[Client, Client]:
    call_command("migrate", verbosity=0, interactive=False)
    if Organisation.objects.exists():
        sys.exit("The database already holds organisations: give the benchmark a new one.")
    for n, (province, city, city_en, _region) in enumerate(PROVINCES):
        RiskArea.objects.create(
            province=province,
            city=city,
            city_en=city_en,
            level=["high", "medium", "low"][min(n, 2)],
            effective_date=timezone.localdate(),
        )
    staff = get_user_model().objects.create_user("bench-staff", is_staff=True, is_superuser=True)
    secretariat = Client()
    secretariat.force_login(staff)
    partner = Organisation.objects.create(
        slug="bench-partner",
        name_zh="基准伙伴",
        name_en="Bench partner",
        kind=Organisation.Kind.PARTNER,
        status=Organisation.Status.ACTIVE,
        province="beijing",
        city="北京",
        credit_code=demo_credit_code("110302", 8_000_001),
    )
    prefix, raw = ApiKey.generate()
    ApiKey.objects.create(organisation=partner, name="bench", prefix=prefix, key_hash=hash_api_key(raw))
    Membership.objects.create(user=get_user_model().objects.create_user("bench-member"), organisation=partner)
    key_client = Client(headers={"Authorization": f"Bearer {raw}"})
    for n in range(3):
        Notice.objects.create(
            title_zh=f"通知{n}",
            title_en=f"Notice {n}",
            status=Notice.Status.PUBLISHED,
            requires_ack=True,
            published_at=timezone.now(),
        )
    return secretariat, key_client


def add_members(start: int, count: int) -> None:
    """Members start … start+count-1, with DAYS days of reports each, in bulk."""
    today = timezone.localdate()
    now = timezone.now()
    gas = MaterialCategory.objects.get(code="gas")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            slug=f"bench-{n}",
            name_zh=f"基准成员{n}",
            name_en=f"Bench member {n}",
            kind=Organisation.Kind.FAB if n % 5 == 0 else Organisation.Kind.SUPPLIER,
            status=Organisation.Status.ACTIVE,
            province=PROVINCES[n % 5][0],
            city=PROVINCES[n % 5][1],
            city_en=PROVINCES[n % 5][2],
            credit_code=demo_credit_code(PROVINCES[n % 5][3], 7_000_000 + n * 7919),
        )
        for n in range(start, start + count)
    )
    reports = StatusReport.objects.bulk_create(
        (
            StatusReport(
                organisation=organisation,
                report_date=today - timedelta(days=day),
                staff_total=200,
                staff_returned=min(200, 40 + 2 * (DAYS - day) + i % 20),
                in_observation=i % 7,
                fever_cases=1 if (i + day) % 31 == 0 else 0,
                temperature_checks=True,
                disinfection_done=True,
                capacity_percent=min(100, 30 + (DAYS - day)),
            )
            for i, organisation in enumerate(organisations)
            for day in range(DAYS)
        ),
        batch_size=2000,
    )
    StockLevel.objects.bulk_create(
        (
            StockLevel(report=report, category=gas, days=3 + (report.organisation_id + report.report_date.day) % 25)
            for report in reports
            if report.organisation.kind == Organisation.Kind.FAB
        ),
        batch_size=2000,
    )
    fabs = [o for o in organisations if o.kind == Organisation.Kind.FAB]
    suppliers = [o for o in organisations if o.kind != Organisation.Kind.FAB] or fabs
    sites = Site.objects.bulk_create(
        Site(organisation=fab, name_zh=f"{fab.name_zh}工厂", province=fab.province, city=fab.city) for fab in fabs
    )
    refresh_site_risk_levels()  # bulk_create sends no signals (members.risk)
    requests = SupplyRequest.objects.bulk_create(
        SupplyRequest(
            organisation=site.organisation,
            site=site,
            category=gas,
            material="NF3",
            quantity=100,
            unit="cyl",
            needed_by=today + timedelta(days=5),
            days_of_stock=2 + (i + k) % 20,
            urgency=["critical", "high", "normal"][(i + k) % 3],
            status=["submitted", "approved", "fulfilled"][k],
            priority=(i * 7 + k * 13) % 100,
            submitted_at=now,
            confirmed_at=now,
        )
        for i, site in enumerate(sites)
        for k in range(3)
    )
    Commitment.objects.bulk_create(
        Commitment(
            request=request,
            supplier=suppliers[i % len(suppliers)],
            quantity=10,
            expected_ship_date=today,
            status="delivered" if i % 2 else "offered",
            delivered_on=today - timedelta(days=i % 20) if i % 2 else None,
        )
        for i, request in enumerate(requests)
    )
    event = Event.objects.create(name="notice.published", payload={})
    Alert.objects.bulk_create(
        Alert(
            event=event,
            organisation=o,
            channel="email",
            email="x@example.com",
            status=["delivered", "failed"][i % 9 == 0],
        )
        for i, o in enumerate(organisations)
    )
    notices = list(Notice.objects.filter(requires_ack=True))
    Acknowledgement.objects.bulk_create(
        Acknowledgement(notice=notices[i % len(notices)], organisation=o) for i, o in enumerate(organisations)
    )
    AssistanceCase.objects.bulk_create(
        AssistanceCase(kind="logistics", description="Trucks held at the toll gate.", organisation=o)
        for o in organisations[::10]
    )
    appeal = Appeal.objects.get_or_create(
        title_en="Bench appeal",
        defaults={
            "title_zh": "基准倡议",
            "beneficiary_name": "医院",
            "beneficiary_city": "武汉",
            "deadline": today,
            "status": Appeal.Status.OPEN,
        },
    )[0]
    Pledge.objects.bulk_create(
        Pledge(
            donor=o,
            appeal=appeal,
            kind=Pledge.Kind.MONEY,
            amount=1000,
            exchange_rate=1,
            amount_cny=1000,
            promised_date=today - timedelta(days=i % 3),
            status=["pledged", "confirmed", "dispatched"][i % 3],
        )
        for i, o in enumerate(organisations)
    )
    if connection.vendor == "postgresql":
        # As autovacuum would after a bulk load: the planner needs the new tables' statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    """(median ms, fastest ms, queries) of `runs` fetches after the warm-up."""
    for _ in range(WARMUP):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, min(times) * 1000, len(queries)


def elapsed(started: float) -> str:
    return f"made in {time.perf_counter() - started:.1f} s"


def main() -> None:
    say(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    secretariat, key_client = set_up()
    pages = [("dashboard /dashboard/ (secretariat)", secretariat, "/dashboard/")]
    pages += [("API GET /api/v1/stats/ (secretariat)", secretariat, "/api/v1/stats/")]
    pages += [("API GET /api/v1/stats/ (partner's read key)", key_client, "/api/v1/stats/")]
    results = {}
    started = time.perf_counter()
    add_members(0, args.small)
    say(f"{args.small} members × {DAYS} days: {StatusReport.objects.count()} reports, {elapsed(started)}")
    results["small"] = [measure(client, url, args.runs) for _name, client, url in pages]
    started = time.perf_counter()
    add_members(args.small, args.large - args.small)
    say(f"{args.large} members × {DAYS} days: {StatusReport.objects.count()} reports, {elapsed(started)}")
    results["large"] = [measure(client, url, args.runs) for _name, client, url in pages]
    say("")
    say(f"| page | {args.small} members, median (fastest) | {args.large} members, median (fastest) | ratio | queries |")
    say("|---|---|---|---|---|")
    for (name, _client, _url), (small_ms, small_min, small_q), (large_ms, large_min, large_q) in zip(
        pages, results["small"], results["large"], strict=True
    ):
        say(
            f"| {name} | {small_ms:.1f} ms ({small_min:.1f}) | {large_ms:.1f} ms ({large_min:.1f}) "
            f"| {large_ms / small_ms:.2f} ({large_min / small_min:.2f}) | {small_q} / {large_q} |"
        )


if __name__ == "__main__":
    main()
