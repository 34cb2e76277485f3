"""Times the first page of the supply queue with 1,000 and with 100,000 open requests, on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres alliance_bench      # once; the script migrates it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_bench .venv/bin/python bench/queue_bench.py

Each page is fetched in process with Django's test Client (the whole stack: middleware, authentication, the view,
the template or serializer), a few times to warm up and then --runs times; the median is reported, with the number
of SQL queries the page makes (CaptureQueriesContext). The pages: the API list partners read
(GET /api/v1/supply-requests/ with a partner's read key), the secretariat's queue page, a supplier's queue page and
the admin changelist. The target: the page with 100,000 requests takes less than twice as long as with 1,000, and
makes the same number of queries. Last, EXPLAIN ANALYZE of the queue query shows the partial index it scans.

The database named by DATABASE_URL is emptied of supply data first: the script refuses a database whose name does
not contain "bench" unless --force is given.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")  # as in production: no query log kept in memory

SMALL, LARGE = 1_000, 100_000
CLOSED_SHARE = 0.2  # on top of the open requests: drafts and closed ones, which the queue must skip
WARMUP = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="timed fetches of each page (median reported)")
    parser.add_argument("--small", type=int, default=SMALL)
    parser.add_argument("--large", type=int, default=LARGE)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--force", action="store_true", help="run on a database whose name lacks 'bench'")
    return parser.parse_args()


def check_database(force: bool) -> None:
    url = os.environ.get("DATABASE_URL", "")
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/alliance_bench")
    name = parsed.path.lstrip("/")
    if "bench" not in name and not force:
        sys.exit(f"Refusing to empty the supply tables of {name!r}: use a database named *bench*, or --force.")


args = parse_args()
check_database(args.force)

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from members import services as member_services  # noqa: E402
from members.demo import demo_credit_code  # noqa: E402
from members.models import ApiKey, MaterialCategory, Membership, Organisation, RiskArea, Site  # noqa: E402
from members.rules import Actor  # noqa: E402
from supply import priority  # noqa: E402
from supply.models import SupplyRequest  # noqa: E402

K = Organisation.Kind
S = SupplyRequest.Status

# (slug, city, city_en, province, region code, risk level, priority guarantee)
FABS = [
    ("bench-wuhan-1", "武汉", "Wuhan", "hubei", "420100", "high", True),
    ("bench-wuhan-2", "武汉", "Wuhan", "hubei", "420100", "high", True),
    ("bench-shanghai", "上海", "Shanghai", "shanghai", "310115", "medium", False),
    ("bench-beijing", "北京", "Beijing", "beijing", "110302", "medium", False),
    ("bench-shenzhen", "深圳", "Shenzhen", "guangdong", "440300", "medium", False),
    ("bench-wuxi", "无锡", "Wuxi", "jiangsu", "320214", "low", False),
    ("bench-nanjing", "南京", "Nanjing", "jiangsu", "320100", "low", False),
    ("bench-hefei", "合肥", "Hefei", "anhui", "340100", "low", False),
    ("bench-tianjin", "天津", "Tianjin", "tianjin", "120116", "low", False),
    ("bench-chengdu", "成都", "Chengdu", "sichuan", "510100", "low", False),
]
HAZARDOUS_UN = {"gas": "UN2189", "wet-chem": "UN1830", "photoresist": "UN1866", "precursor": "UN3399"}


def say(message: str) -> None:
    print(message, flush=True)


def organisation(slug, kind, province, city, city_en, region, serial, **extra) -> Organisation:
    org, _created = Organisation.objects.update_or_create(
        slug=slug,
        defaults={
            "name_zh": f"基准测试{serial}",
            "name_en": f"Benchmark {slug}",
            "credit_code": demo_credit_code(region, 9_000_000 + serial * 104_729),
            "kind": kind,
            "status": Organisation.Status.ACTIVE,
            "province": province,
            "city": city,
            "city_en": city_en,
            **extra,
        },
    )
    return org


def set_up():
    """The schema, then the organisations, sites, risk areas and logins the pages need (kept between runs)."""
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        tables = [
            model._meta.db_table
            for model in apps.get_app_config("supply").get_models()
            if model._meta.db_table.startswith("supply_")
        ]
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    sites = []
    for serial, (slug, city, city_en, province, region, level, guarantee) in enumerate(FABS, start=1):
        RiskArea.objects.update_or_create(
            province=province,
            city=city,
            defaults={"city_en": city_en, "level": level, "effective_date": timezone.localdate()},
        )
        fab = organisation(slug, K.FAB, province, city, city_en, region, serial, priority_guarantee=guarantee)
        for number in (1, 2):
            site, _created = Site.objects.get_or_create(
                organisation=fab,
                name_zh=f"{city}{number}号厂",
                defaults={"name_en": f"{city_en} fab {number}", "province": province, "city": city, "kind": "fab"},
            )
            sites.append((site, level, guarantee))
    materials = list(MaterialCategory.objects.filter(group=MaterialCategory.Group.MATERIAL))
    supplier = organisation("bench-supplier", K.SUPPLIER, "shanghai", "上海", "Shanghai", "310116", 50)
    supplier.categories_supplied.set([c for c in materials if c.code in ("gas", "wet-chem", "photoresist")])
    partner = organisation("bench-partner", K.PARTNER, "beijing", "北京", "Beijing", "110108", 51)

    User = get_user_model()
    staff, _created = User.objects.get_or_create(
        username="bench-secretariat", defaults={"is_staff": True, "is_superuser": True}
    )
    supplier_user, _created = User.objects.get_or_create(username="bench-supplier-admin")
    Membership.objects.update_or_create(
        user=supplier_user, defaults={"organisation": supplier, "role": Membership.Role.ADMIN}
    )
    ApiKey.objects.filter(organisation=partner, revoked_at__isnull=True).update(revoked_at=timezone.now())
    _key, raw_key = member_services.api_key_issue(
        actor=Actor(is_secretariat=True), organisation=partner, name="queue benchmark", scope="read"
    )
    return sites, materials, staff, supplier_user, raw_key


def make_requests(count: int, *, rng: random.Random, sites, materials, open_: bool) -> list[SupplyRequest]:
    """Requests spread as a real queue would be: most normal or high urgency with weeks of stock, a few critical
    ones near a line stop; priorities computed by the real rules from those inputs."""
    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for _ in range(count):
        site, level, guarantee = rng.choice(sites)
        category = rng.choice(materials)
        urgency = rng.choices(["critical", "high", "normal"], weights=[1, 3, 6])[0]
        days_of_stock = int(rng.expovariate(1 / 15))
        needed_by = today + timedelta(days=rng.randint(-2, 45))
        submitted_at = now - timedelta(hours=rng.uniform(1, 24 * 30))
        status = (
            rng.choices([S.APPROVED, S.SUBMITTED], weights=[6, 4])[0]
            if open_
            else rng.choice([S.DRAFT, S.REJECTED, S.CANCELLED, S.FULFILLED])
        )
        score, parts = priority.compute(
            priority.Inputs(
                risk_level=level,
                priority_guarantee=guarantee,
                days_of_stock=days_of_stock,
                urgency=urgency,
                needed_by=needed_by,
                submitted_at=None if status == S.DRAFT else submitted_at,
            ),
            now=now,
        )
        quantity = Decimal(rng.choice([5, 10, 20, 40, 100, 500, 2000]))
        committed = quantity * Decimal(rng.choice([0, 0, 0, 0.25, 0.5, 1])) if status == S.APPROVED else Decimal(0)
        rows.append(
            SupplyRequest(
                organisation_id=site.organisation_id,
                site=site,
                category=category,
                material=f"{category.name_en} lot {rng.randint(1000, 9999)}",
                un_number=HAZARDOUS_UN.get(category.code, "UN1993" if category.hazardous else ""),
                quantity=quantity,
                unit="kg",
                needed_by=needed_by,
                days_of_stock=days_of_stock,
                urgency=urgency,
                status=status,
                qty_committed=committed,
                priority_score=score,
                priority_parts=parts,
                priority=score,
                submitted_at=None if status == S.DRAFT else submitted_at,
                confirmed_at=None if status == S.DRAFT else submitted_at + timedelta(hours=rng.uniform(0, 24 * 10)),
            )
        )
    return rows


def fill(target_open: int, *, rng, sites, materials) -> None:
    have = SupplyRequest.objects.open().count()
    missing = target_open - have
    started = time.perf_counter()
    for open_, count in ((True, missing), (False, int(missing * CLOSED_SHARE))):
        for start in range(0, count, 5000):
            batch = make_requests(min(5000, count - start), rng=rng, sites=sites, materials=materials, open_=open_)
            SupplyRequest.objects.bulk_create(batch, batch_size=5000)
    with connection.cursor() as cursor:
        # What autovacuum would have done by the time such a table is read in earnest.
        cursor.execute("VACUUM ANALYZE supply_supplyrequest")
    say(
        f"  filled to {SupplyRequest.objects.open().count():,} open requests "
        f"({SupplyRequest.objects.count():,} in all) in {time.perf_counter() - started:.1f} s"
    )


def measure(client: Client, url: str, runs: int, headers: dict) -> tuple[float, int, tuple[float, str]]:
    """(median milliseconds, queries per page, (milliseconds, SQL) of the page's slowest query)."""
    for _ in range(WARMUP):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url, headers=headers)
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
    return (
        statistics.median(timings) * 1000,
        len(queries.captured_queries),
        (float(slowest["time"]) * 1000, slowest["sql"]),
    )


def pages(staff, supplier_user, raw_key):
    secretariat = Client()
    secretariat.force_login(staff)
    supplier = Client()
    supplier.force_login(supplier_user)
    partner = Client()
    return [
        ("API GET /api/v1/supply-requests/ (partner key)", partner, "/api/v1/supply-requests/",
         {"Authorization": f"Bearer {raw_key}", "Accept-Language": "en"}),
        ("API GET /api/v1/supply-requests/?open=true (staff session)", secretariat,
         "/api/v1/supply-requests/?open=true", {"Accept-Language": "en"}),
        ("web secretariat queue /supply/secretariat/", secretariat, "/supply/secretariat/", {"Accept-Language": "en"}),
        ("web supplier queue /supply/queue/", supplier, "/supply/queue/", {"Accept-Language": "en"}),
        ("admin queue /admin/supply/supplyrequest/", secretariat, "/admin/supply/supplyrequest/",
         {"Accept-Language": "en"}),
    ]  # fmt: skip


def explain_queue() -> str:
    queue = SupplyRequest.objects.queue().select_related("organisation", "site", "category")[:51]
    return queue.explain(analyze=True, buffers=True)


def main() -> None:
    say(f"PostgreSQL {connection.cursor().connection.info.server_version}, {os.cpu_count()} CPUs, runs={args.runs}")
    sites, materials, staff, supplier_user, raw_key = set_up()
    rng = random.Random(args.seed)
    results = {}
    for size in (args.small, args.large):
        say(f"\n== {size:,} open requests")
        fill(size, rng=rng, sites=sites, materials=materials)
        for label, client, url, headers in pages(staff, supplier_user, raw_key):
            median_ms, query_count, (slowest_ms, slowest_sql) = measure(client, url, args.runs, headers)
            results.setdefault(label, []).append((median_ms, query_count))
            say(f"  {label:62} {median_ms:8.1f} ms  {query_count:3d} queries")
            say(f"      slowest query {slowest_ms:.1f} ms: {slowest_sql[:150]}")

    say(f"\n{'page':62} {args.small:>9,} {args.large:>9,}  ratio  queries")
    worst = 0.0
    for label, ((small_ms, small_q), (large_ms, large_q)) in results.items():
        ratio = large_ms / small_ms
        worst = max(worst, ratio)
        verdict = "ok" if ratio < 2 and small_q == large_q else "OVER TARGET"
        say(f"{label:62} {small_ms:7.1f}ms {large_ms:7.1f}ms  {ratio:5.2f}  {small_q} / {large_q}  {verdict}")
    say(f"\nworst ratio {worst:.2f} (target < 2)")

    plan = explain_queue()
    say("\nEXPLAIN ANALYZE of the queue query (SupplyRequest.objects.queue(), first page):")
    say(plan)
    say("uses supply_queue_idx: " + ("yes" if "supply_queue_idx" in plan else "NO"))


if __name__ == "__main__":
    main()
