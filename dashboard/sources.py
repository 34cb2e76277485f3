"""Figures from the apps that land after the dashboard began: status reports (members), assistance cases
(assistance) and donations (donations). A function whose app has not landed answers None, and the dashboard shows
that panel as "not available yet"; the others read their models with one grouped query each.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from assistance.models import AssistanceCase
from members.models import StatusReport, StockLevel

# Ages of open assistance cases, in days since they were opened: (fewer than this many days, key).
CASE_AGES = [(2, "0-1"), (7, "2-6"), (None, "7+")]


def _report_period_start(day: date) -> date:
    return day - timedelta(days=max(settings.STATUS_REPORT_PERIOD_DAYS, 1) - 1)


def fab_days_of_stock(fabs: QuerySet, *, from_requests) -> QuerySet:
    """Fabs annotated with `days`: the fewest days of stock they have given, from their open requests or the days
    of stock in their latest status report (within the reporting window), whichever is fewer; None if neither.
    The fewer of the two, because a dashboard of line-stop risk would rather show a false alarm than miss one."""
    oldest = timezone.localdate() - timedelta(days=settings.STATUS_REPORT_MAX_AGE_DAYS)
    latest_report = (
        StatusReport.objects.filter(organisation=OuterRef(OuterRef("pk")), report_date__gte=oldest)
        .order_by("-report_date")
        .values("pk")[:1]
    )
    from_report = (
        StockLevel.objects.filter(report=Subquery(latest_report))
        .order_by()
        .values("report")
        .annotate(m=Min("days"))
        .values("m")[:1]
    )
    fabs = fabs.annotate(_from_requests=from_requests, _from_report=Subquery(from_report, output_field=IntegerField()))
    # SQLite's two-argument MIN() is NULL when either is; PostgreSQL's LEAST ignores NULLs. Coalescing each with
    # the other gives the same answer on both.
    return fabs.annotate(
        days=Least(Coalesce("_from_requests", "_from_report"), Coalesce("_from_report", "_from_requests"))
    )


def members_reporting(*, day: date, members: QuerySet) -> int:
    """Members that have filed a report for the current period (today, with daily reporting)."""
    return (
        StatusReport.objects.filter(
            report_date__gte=_report_period_start(day), report_date__lte=day, organisation__in=members.values("pk")
        )
        .values("organisation")
        .distinct()
        .count()
    )


def _report_rows(span: list[date]) -> list[dict]:
    """The reports of the span summed per date and province: one grouped query, at most 35 rows a day."""
    return list(
        StatusReport.objects.filter(report_date__gte=span[0], report_date__lte=span[-1])
        .values("report_date", "organisation__province")
        .annotate(
            reporting=Count("pk"),
            total=Sum("staff_total"),
            returned=Sum("staff_returned"),
            observation=Sum("in_observation"),
            fever=Sum("fever_cases"),
        )
        .order_by()
    )


def report_figures(*, span: list[date]) -> tuple[list[dict], dict[str, dict[date, dict]]]:
    """(the alliance's daily series, the provinces' daily rates), both from one grouped query.

    The series, per date: members reporting, staff in total and back at work, the resumption rate (%), people in
    observation and fever cases, summed over the reports of that date. The provinces: {province: {date: {"rate":
    %, "reporting": members}}} for the days its members reported."""
    days = {day: {"reporting": 0, "total": 0, "returned": 0, "observation": 0, "fever": 0} for day in span}
    provinces: dict[str, dict[date, dict]] = {}
    for row in _report_rows(span):
        totals = days[row["report_date"]]
        for name in totals:
            totals[name] += row[name] or 0
        provinces.setdefault(row["organisation__province"], {})[row["report_date"]] = {
            "rate": _rate(row["returned"] or 0, row["total"] or 0),
            "reporting": row["reporting"],
        }
    series = [
        {
            "date": day,
            "reporting": totals["reporting"],
            "staff_total": totals["total"],
            "staff_returned": totals["returned"],
            "rate": _rate(totals["returned"], totals["total"]),
            "in_observation": totals["observation"],
            "fever_cases": totals["fever"],
        }
        for day, totals in days.items()
    ]
    return series, provinces


def report_series(*, span: list[date]) -> list[dict]:
    return report_figures(span=span)[0]


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def open_assistance_cases(*, today: date) -> dict:
    """Open and in-progress cases: {"by_kind_age": {(kind, age key): cases}, "open": n, "stale": n} (two queries)."""
    now = timezone.now()
    whens = [
        When(created_at__gt=now - timedelta(days=days), then=Value(key)) for days, key in CASE_AGES if days is not None
    ]
    rows = (
        AssistanceCase.objects.active()
        .values("kind", age=Case(*whens, default=Value(CASE_AGES[-1][1])))
        .annotate(n=Count("pk"))
        .order_by()
    )
    cutoff = now - timedelta(days=settings.ASSISTANCE_STALE_DAYS)
    totals = AssistanceCase.objects.active().aggregate(
        open=Count("pk"), stale=Count("pk", filter=Q(last_activity_at__lt=cutoff))
    )
    return {"by_kind_age": {(row["kind"], row["age"]): row["n"] for row in rows}, **totals}


def donations_by_appeal() -> list[dict] | None:
    return None


def donation_totals() -> dict | None:
    return None


def pledges_overdue(*, today: date) -> int | None:
    return None
