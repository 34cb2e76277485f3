"""The status reports of the demo alliance: 30 days of them, telling the story of the spring of 2020.

Work resumes across the alliance from about a fifth of the staff to about 85 %; the Wuhan members stay behind
(the city is locked down until the last week) and the two Wuhan fabs keep their lines running with the staff living
on site; returnees from high-risk areas go through 14 days of observation; a few fever cases early on; the fabs'
days of stock of their key materials dip while trucks cannot get through, then recover. Two members have not
reported today (the secretariat's list of non-reporters has someone on it).

Registered as a demo seeder (MembersConfig.ready). The rows are written directly, as the history they stand for
(most dates are older than a member may still file); running it again adds only the days missing, e.g. today's on
the next day. Figures are made up but believable; each member's are the same on every run (seeded by its slug).
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from .models import MaterialCategory, Organisation, StatusReport, StockLevel
from .selectors_reports import REPORTING_KINDS, REPORTING_STATUSES

DAYS = 30
WUHAN = {"ymtc", "xmc", "guanggu-quartz", "shunda-logistics"}
SILENT_TODAY = {"shuxin-mat", "fengce-pack"}
KEY_MATERIALS = ["photoresist", "gas", "wet-chem"]

STAFF = {"fab": (3000, 6500), "supplier": (150, 900), "logistics": (200, 600), "research": (80, 200)}


def _resumption(day: int, wuhan: bool, rng: random.Random) -> float:
    """Share of staff back at work on day 0..29: rising from ~20 % to ~85 %; Wuhan's from ~10 % to ~50 %."""
    rising = max(0.0, (day - 12) / (DAYS - 13)) ** 1.3 if wuhan else (day / (DAYS - 1)) ** 0.9
    share = (0.10 + 0.40 * rising) if wuhan else (0.20 + 0.65 * rising)
    return min(0.97, max(0.05, share + rng.uniform(-0.03, 0.03)))


def _stock_days(day: int, wuhan: bool, base: int, rng: random.Random) -> int:
    """Days of stock: a dip while logistics is blocked (days 8-20, deepest around 15), then recovery."""
    depth = (0.8 if wuhan else 0.55) * max(0.0, 1 - abs(day - 15) / 7)
    days = base * (1 - depth) + (day > 20) * (day - 20) * 0.6
    return max(1, round(days + rng.uniform(-1, 1)))


LOGISTICS_WUHAN = "进出武汉的危化品运输车辆需要通行证，光刻胶和特气到厂延误。"
STAFFING_WUHAN = "外地返岗员工无法返汉，产线靠驻厂员工轮班维持。"
RAW_SUPPLIER = "上游原料供应商尚未复工，部分原料库存不足两周。"


def _report(org: Organisation, day: int, report_date: date, rng: random.Random, staff_total: int) -> StatusReport:
    wuhan = org.slug in WUHAN
    fab = org.kind == Organisation.Kind.FAB
    share = _resumption(day, wuhan, rng)
    if fab and wuhan:
        # The Wuhan fabs never stopped: staff living on site keep the lines at half capacity or more.
        share = max(share, 0.45 + 0.2 * day / (DAYS - 1))
    returned = round(staff_total * share)
    from_high_risk = min(returned, round(returned * (0.06 if day < 14 else 0.02) * rng.uniform(0.5, 1.5)))
    in_observation = min(from_high_risk, round(from_high_risk * (0.9 if day < 20 else 0.3)))
    fever = rng.choice([0, 0, 0, 1, 2]) if day < 9 and rng.random() < 0.3 else 0
    capacity = round(min(100, share * 100 + (15 if fab else -5) + rng.uniform(-4, 4)))
    report = StatusReport(
        organisation=org,
        report_date=report_date,
        staff_total=staff_total,
        staff_returned=returned,
        returned_from_high_risk=from_high_risk,
        in_observation=in_observation,
        fever_cases=fever,
        temperature_checks=day > 1 or rng.random() < 0.6,
        disinfection_done=day > 2 or rng.random() < 0.5,
        capacity_percent=max(0, capacity),
    )
    if wuhan and fab and day >= 6:
        report.logistics_difficulty = LOGISTICS_WUHAN
        # YMTC asks for help on the latest days, so the demo has a case opened from a report.
        report.logistics_needs_help = org.slug == "ymtc" and day >= DAYS - 2
    if wuhan and 3 <= day <= 20:
        report.staffing_difficulty = STAFFING_WUHAN
    if org.kind == Organisation.Kind.SUPPLIER and not wuhan and 5 <= day <= 16 and rng.random() < 0.25:
        report.raw_materials_difficulty = RAW_SUPPLIER
    return report


@transaction.atomic
def seed_demo_reports() -> int:
    """30 days of reports for the demo members; returns how many rows it added."""
    today = timezone.localdate()
    first = today - timedelta(days=DAYS - 1)
    members = list(
        Organisation.objects.filter(kind__in=REPORTING_KINDS, status__in=REPORTING_STATUSES).order_by("slug")
    )
    existing = set(
        StatusReport.objects.filter(report_date__gte=first, organisation__in=members).values_list(
            "organisation_id", "report_date"
        )
    )
    categories = list(MaterialCategory.objects.filter(code__in=KEY_MATERIALS).order_by("sort_order"))
    # Each new report with its days of stock, saved once the reports have their ids.
    new_reports: list[tuple[StatusReport, dict[int, int]]] = []
    for org in members:
        rng = random.Random(org.slug)
        low, high = STAFF.get(org.kind, (100, 400))
        staff_total = rng.randint(low, high)
        stock_base = {category.pk: rng.randint(14, 30) for category in categories}
        for day in range(DAYS):
            report_date = first + timedelta(days=day)
            # Drawn whatever happens, so each member's figures are the same on every run.
            report = _report(org, day, report_date, rng, staff_total)
            stock = {pk: _stock_days(day, org.slug in WUHAN, base, rng) for pk, base in stock_base.items()}
            if report_date == today and org.slug in SILENT_TODAY:
                continue
            if (org.pk, report_date) in existing:
                continue
            new_reports.append((report, stock if org.kind == Organisation.Kind.FAB else {}))
    StatusReport.objects.bulk_create([report for report, _stock in new_reports])
    # bulk_create set the ids (SQLite and PostgreSQL both return them).
    levels = [
        StockLevel(report=report, category_id=category_id, days=days)
        for report, stock in new_reports
        for category_id, days in stock.items()
    ]
    StockLevel.objects.bulk_create(levels)
    return len(new_reports) + len(levels)
