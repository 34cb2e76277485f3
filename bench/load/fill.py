"""Fills the load benchmark's database with a believable alliance, fast (bulk_create), after `seed_demo`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_bench_load .venv/bin/python bench/load/fill.py OUT.json

Brings the database to 500 organisations (fabs with sites, suppliers with their categories, logistics, partners...),
20,000 supply requests in every state with priorities computed by the real rules (supply.priority), 5,000 pledges
to the demo appeal, 200 published notices and 50,000 alert rows (delivered or failed: history, nothing left for the
worker to send). Then it makes the logins the load uses: 20 fab members, 20 supplier administrators (one shared
password, hashed once) and 20 read keys of partners (through members.services.api_key_issue), and writes them with
the demo secretariat's login to OUT.json for the locustfile.

Run by bench/load/run.py with the development settings (seed_demo refuses production); the database is the
benchmark's own: the script refuses one whose name does not contain "bench".
"""

import json
import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance_portal.settings")

ORGANISATIONS = 500
SUPPLY_REQUESTS = 20_000
PLEDGES = 5_000
NOTICES = 200
ALERTS = 50_000
ALERTS_PER_EVENT = 5
LOGINS = 20  # fab members, supplier administrators and partner keys each
PASSWORD = "bench-load-2026"  # noqa: S105 - a throwaway database's logins
SECRETARIAT = ("secretariat", "demo-secretariat-2020")  # seed_demo's staff login

# Kinds of the organisations added, by share.
KINDS = [("fab", 20), ("supplier", 50), ("equipment", 8), ("research", 5), ("logistics", 5), ("partner", 12)]
# (province, city, city_en, region code, risk level)
CITIES = [
    ("hubei", "武汉", "Wuhan", "420100", "high"),
    ("hubei", "孝感", "Xiaogan", "420900", "high"),
    ("shanghai", "上海", "Shanghai", "310115", "medium"),
    ("beijing", "北京", "Beijing", "110302", "medium"),
    ("guangdong", "深圳", "Shenzhen", "440300", "medium"),
    ("jiangsu", "无锡", "Wuxi", "320214", "low"),
    ("jiangsu", "南京", "Nanjing", "320100", "low"),
    ("anhui", "合肥", "Hefei", "340100", "low"),
    ("tianjin", "天津", "Tianjin", "120116", "low"),
    ("sichuan", "成都", "Chengdu", "510100", "low"),
    ("zhejiang", "杭州", "Hangzhou", "330100", "low"),
    ("fujian", "厦门", "Xiamen", "350200", "low"),
]
HAZARDOUS_UN = {"gas": "UN2189", "wet-chem": "UN1830", "photoresist": "UN1866", "precursor": "UN3399"}
REQUEST_STATUSES = [
    ("approved", 35),
    ("submitted", 25),
    ("draft", 10),
    ("fulfilled", 15),
    ("cancelled", 8),
    ("rejected", 7),
]
ALERT_EVENTS = [
    "supply_request.submitted",
    "supply_request.approved",
    "commitment.made",
    "commitment.accepted",
    "notice.published",
]


def say(message: str) -> None:
    print(f"[fill] {message}", flush=True)


def check_database() -> None:
    parsed = urlparse(os.environ.get("DATABASE_URL", ""))
    if not parsed.scheme.startswith("postgres") or "bench" not in parsed.path:
        sys.exit("fill.py writes only to a PostgreSQL database whose name contains 'bench' (DATABASE_URL).")


check_database()

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from donations.models import Appeal, Pledge  # noqa: E402
from members import services as member_services  # noqa: E402
from members.demo import demo_credit_code  # noqa: E402
from members.models import ApiKey, Contact, MaterialCategory, Membership, Organisation, RiskArea, Site  # noqa: E402
from members.risk import refresh_site_risk_levels  # noqa: E402
from members.rules import Actor  # noqa: E402
from notices.alerts.models import Alert, Event  # noqa: E402
from notices.models import Notice  # noqa: E402
from supply import priority  # noqa: E402
from supply.models import SupplyRequest  # noqa: E402

User = get_user_model()
rng = random.Random(2020)
now = timezone.now()
today = timezone.localdate()


def weighted(choices):
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def add_organisations() -> None:
    missing = ORGANISATIONS - Organisation.objects.count()
    if missing <= 0:
        return
    for province, city, city_en, _region, level in CITIES:
        RiskArea.objects.update_or_create(
            province=province, city=city, defaults={"city_en": city_en, "level": level, "effective_date": today}
        )
    start = Organisation.objects.filter(slug__startswith="load-").count()
    orgs = []
    for serial in range(start, start + missing):
        kind = weighted(KINDS)
        province, city, city_en, region, _level = rng.choice(CITIES)
        orgs.append(
            Organisation(
                slug=f"load-{kind}-{serial:04d}",
                name_zh=f"负载测试{city}{serial:04d}",
                name_en=f"Load test {city_en} {serial:04d}",
                credit_code=demo_credit_code(region, 8_000_000 + serial * 104_729),
                kind=kind,
                status=Organisation.Status.ACTIVE,
                province=province,
                city=city,
                city_en=city_en,
                priority_guarantee=kind == "fab" and rng.random() < 0.05,
                joined_on=today - timedelta(days=rng.randint(30, 900)),
            )
        )
    orgs = Organisation.objects.bulk_create(orgs)
    Contact.objects.bulk_create(
        Contact(
            organisation=org,
            name=f"联络人{org.pk}",
            email=f"{org.slug}@load.example.cn",
            is_primary=True,
            language=rng.choice(["zh-hans", "en"]),
        )
        for org in orgs
    )
    Site.objects.bulk_create(
        Site(
            organisation=org,
            name_zh=f"{org.city}{number}号厂",
            name_en=f"{org.city_en} fab {number}",
            kind="fab",
            province=org.province,
            city=org.city,
            city_en=org.city_en,
        )
        for org in orgs
        if org.kind == "fab"
        for number in (1, 2)
    )
    refresh_site_risk_levels()  # bulk_create sends no signals (members.risk)
    materials = list(MaterialCategory.objects.filter(group=MaterialCategory.Group.MATERIAL))
    through = Organisation.categories_supplied.through
    through.objects.bulk_create(
        through(organisation_id=org.pk, materialcategory_id=category.pk)
        for org in orgs
        if org.kind == "supplier"
        for category in rng.sample(materials, 3)
    )
    say(f"{len(orgs)} organisations added ({Organisation.objects.count()} in all)")


def add_supply_requests() -> None:
    missing = SUPPLY_REQUESTS - SupplyRequest.objects.count()
    if missing <= 0:
        return
    levels = {(p, c): level for p, c, _e, _r, level in CITIES}
    sites = [
        (site, levels.get((site.province, site.city), "low"), site.organisation.priority_guarantee)
        for site in Site.objects.filter(organisation__kind="fab", organisation__status="active").select_related(
            "organisation"
        )
    ]
    materials = list(MaterialCategory.objects.filter(group=MaterialCategory.Group.MATERIAL))
    rows = []
    for _ in range(missing):
        site, level, guarantee = rng.choice(sites)
        category = rng.choice(materials)
        status = weighted(REQUEST_STATUSES)
        urgency = rng.choices(["critical", "high", "normal"], weights=[1, 3, 6])[0]
        days_of_stock = int(rng.expovariate(1 / 15))
        needed_by = today + timedelta(days=rng.randint(-2, 45))
        submitted_at = None if status == "draft" else now - timedelta(hours=rng.uniform(1, 24 * 30))
        score, parts = priority.compute(
            priority.Inputs(level, guarantee, days_of_stock, urgency, needed_by, submitted_at), now=now
        )
        quantity = Decimal(rng.choice([50, 100, 200, 500, 2000]))
        committed = quantity * Decimal(rng.choice(["0", "0", "0", "0.25", "0.5"])) if status == "approved" else 0
        rows.append(
            SupplyRequest(
                organisation_id=site.organisation_id,
                site=site,
                category=category,
                material=f"{category.name_en} lot {rng.randint(1000, 9999)}",
                specification="SEMI grade, CoA with each lot",
                un_number=HAZARDOUS_UN.get(category.code, "UN1993" if category.hazardous else ""),
                quantity=quantity,
                unit="kg",
                needed_by=needed_by,
                days_of_stock=days_of_stock,
                urgency=urgency,
                justification="Line 2 stops when the stock runs out.",
                status=status,
                qty_committed=committed,
                qty_delivered=quantity if status == "fulfilled" else 0,
                priority_score=score,
                priority_parts=parts,
                priority=score,
                submitted_at=submitted_at,
                confirmed_at=submitted_at and submitted_at + timedelta(hours=rng.uniform(0, 24 * 5)),
            )
        )
    SupplyRequest.objects.bulk_create(rows, batch_size=5000)
    say(f"{missing} supply requests added")


def add_pledges() -> None:
    missing = PLEDGES - Pledge.objects.count()
    if missing <= 0:
        return
    appeal = Appeal.objects.filter(status=Appeal.Status.OPEN).first()
    donors = list(Organisation.objects.filter(status="active").exclude(kind="secretariat").values_list("pk", flat=True))
    rows = []
    for _ in range(missing):
        status = weighted([("pledged", 60), ("confirmed", 35), ("cancelled", 5)])
        amount = Decimal(rng.choice([5_000, 10_000, 20_000, 50_000, 100_000, 500_000]))
        rows.append(
            Pledge(
                donor_id=rng.choice(donors),
                appeal=appeal,
                beneficiary_name="" if appeal else "武汉市第一医院",
                kind=Pledge.Kind.MONEY,
                amount=amount,
                currency="CNY",
                exchange_rate=Decimal(1),
                amount_cny=amount,
                channel=Pledge.Channel.ALLIANCE,
                named_publicly=rng.random() < 0.7,
                promised_date=today + timedelta(days=rng.randint(-5, 20)),
                status=status,
                confirmed_at=now - timedelta(days=rng.randint(0, 10)) if status == "confirmed" else None,
                cancelled_at=now - timedelta(days=1) if status == "cancelled" else None,
                reason="预算调整" if status == "cancelled" else "",
            )
        )
    Pledge.objects.bulk_create(rows, batch_size=5000)
    say(f"{missing} pledges added")


def add_notices(staff) -> None:
    missing = NOTICES - Notice.objects.count()
    if missing <= 0:
        return
    rows = []
    for serial in range(missing):
        published = now - timedelta(hours=rng.uniform(1, 24 * 60))
        rows.append(
            Notice(
                title_zh=f"关于第{serial + 1}批保供物资调配的通知",
                title_en=f"Allocation of emergency supplies, batch {serial + 1}",
                body_zh="各成员单位：\n\n请于本周五前核对库存并在门户上报**可用天数**。\n\n- 联系人：秘书处\n",
                body_en="To all members:\n\nPlease check your stock and report the **days of stock** by Friday.\n",
                category=rng.choice(["policy", "supply", "urgent", "initiative"]),
                audience_kind="all",
                status="published",
                publish_at=published,
                published_at=published,
                pinned=serial < 2,
                requires_ack=rng.random() < 0.2,
                created_by=staff,
            )
        )
    Notice.objects.bulk_create(rows)
    say(f"{missing} notices added")


def add_alerts() -> None:
    missing = ALERTS - Alert.objects.count()
    if missing <= 0:
        return
    contacts = list(Contact.objects.exclude(email="").values_list("organisation_id", "email", "language"))
    events = Event.objects.bulk_create(
        Event(
            name=rng.choice(ALERT_EVENTS),
            object_type="supply.supplyrequest",
            object_id=str(rng.randint(1, SUPPLY_REQUESTS)),
            payload={"request": rng.randint(1, SUPPLY_REQUESTS)},
        )
        for _ in range(missing // ALERTS_PER_EVENT + 1)
    )
    rows = []
    for index in range(missing):
        organisation_id, email, language = rng.choice(contacts)
        created = now - timedelta(minutes=rng.uniform(5, 60 * 24 * 30))
        failed = rng.random() < 0.03
        rows.append(
            Alert(
                event=events[index // ALERTS_PER_EVENT],
                organisation_id=organisation_id,
                channel="email",
                email=email,
                language=language,
                status="failed" if failed else "delivered",
                attempts=8 if failed else 1,
                next_attempt_at=created,
                delivered_at=None if failed else created + timedelta(seconds=rng.uniform(1, 30)),
                last_error="timeout" if failed else "",
                created_at=created,
            )
        )
    Alert.objects.bulk_create(rows, batch_size=5000)
    say(f"{missing} alerts added")


def logins(out: Path) -> None:
    password = make_password(PASSWORD)  # hashed once: PBKDF2 for 40 users would take longer than the fill
    people = {}
    for kind, role in (("fab", Membership.Role.MEMBER), ("supplier", Membership.Role.ADMIN)):
        orgs = list(Organisation.objects.filter(slug__startswith=f"load-{kind}-").order_by("pk")[:LOGINS])
        people[kind] = []
        for index, org in enumerate(orgs):
            user, _created = User.objects.update_or_create(
                username=f"load-{kind}-{index:02d}", defaults={"password": password, "email": ""}
            )
            Membership.objects.update_or_create(user=user, defaults={"organisation": org, "role": role})
            people[kind].append(user.username)
    keys = []
    partners = Organisation.objects.filter(slug__startswith="load-partner-").order_by("pk")[:LOGINS]
    ApiKey.objects.filter(organisation__in=partners, revoked_at__isnull=True).update(revoked_at=now)
    for org in partners:
        _key, raw = member_services.api_key_issue(
            actor=Actor(is_secretariat=True), organisation=org, name="load benchmark", scope="read"
        )
        keys.append(raw)
    # Those every member may open (a demo notice for Hubei's members only is, rightly, a 404 for the others).
    notices = list(Notice.objects.filter(status="published", audience_kind="all").values_list("pk", flat=True))
    out.write_text(
        json.dumps(
            {
                "password": PASSWORD,
                "fab_members": people["fab"],
                "supplier_admins": people["supplier"],
                "secretariat": list(SECRETARIAT),
                "partner_keys": keys,
                "notices": notices,
            },
            indent=1,
        )
    )
    say(f"logins written to {out}")


def counts() -> dict:
    return {
        "organisations": Organisation.objects.count(),
        "supply requests": SupplyRequest.objects.count(),
        "pledges": Pledge.objects.count(),
        "notices": Notice.objects.count(),
        "alerts": Alert.objects.count(),
    }


def main() -> None:
    out = Path(sys.argv[1])
    started = time.perf_counter()
    staff = User.objects.get(username=SECRETARIAT[0])
    with transaction.atomic():
        add_organisations()
        add_supply_requests()
        add_pledges()
        add_notices(staff)
        add_alerts()
        logins(out)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum would have done by the time such tables are read in earnest
    say(", ".join(f"{n:,} {name}" for name, n in counts().items()) + f" ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
