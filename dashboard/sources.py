"""Figures from the apps that landed alongside the dashboard: status reports (members), assistance cases
(assistance) and donations (donations), each family read with one or a few grouped queries.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from assistance.models import AssistanceCase
from donations.models import Appeal, Pledge, PledgeLine, PledgeQuerySet
from members.models import StatusReport, StockLevel

LIVE, ARRIVED = PledgeQuerySet.LIVE, PledgeQuerySet.ARRIVED
ZERO, CENT = Decimal(0), Decimal("0.01")
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


APPEALS_SHOWN = 12
MONEY: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=20, decimal_places=2)


def _cny(expression, condition: Q) -> Coalesce:
    return Coalesce(Sum(expression, filter=condition, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _goods_delivered():
    # A goods line's value counts as delivered in the share of its quantity that arrived (partial fulfilment).
    return ExpressionWrapper(F("estimated_value_cny") * F("delivered_quantity") / F("quantity"), output_field=MONEY)


def _pledge_sums(group_by: tuple[str, str] | None) -> tuple:
    """(money, goods) sums of live pledges, per appeal or overall: two queries."""
    money = Pledge.objects.filter(kind=Pledge.Kind.MONEY)
    goods = PledgeLine.objects.filter(pledge__status__in=LIVE)
    money_sums = {
        "pledged": _cny("amount_cny", Q(status__in=LIVE)),
        "delivered": _cny("received_cny", Q(status__in=ARRIVED)),
    }
    goods_sums = {"pledged": _cny("estimated_value_cny", Q()), "delivered": _cny(_goods_delivered(), Q())}
    if group_by is None:
        return money.aggregate(**money_sums), goods.aggregate(**goods_sums)
    money_rows = money.values(group_by[0]).annotate(**money_sums).order_by()
    goods_rows = goods.values(group_by[1]).annotate(**goods_sums).order_by()
    return (
        {row[group_by[0]]: row for row in money_rows},
        {row[group_by[1]]: row for row in goods_rows},
    )


def donations_by_appeal() -> list[dict]:
    """The newest appeals (not drafts) with the value pledged and delivered in CNY, money and goods together (goods
    at their estimated value), and a last row for pledges made to no appeal. Three queries."""
    appeals = list(
        Appeal.objects.exclude(status=Appeal.Status.DRAFT)
        .order_by("-deadline", "-pk")
        .values("pk", "title_zh", "title_en", "status")[:APPEALS_SHOWN]
    )
    money, goods = _pledge_sums(("appeal", "pledge__appeal"))
    rows = []
    for appeal in [*appeals, {"pk": None, "title_zh": "", "title_en": "", "status": ""}]:
        m, g = money.get(appeal["pk"], {}), goods.get(appeal["pk"], {})
        pledged = m.get("pledged", ZERO) + g.get("pledged", ZERO)
        delivered = m.get("delivered", ZERO) + g.get("delivered", ZERO)
        if appeal["pk"] is None and not pledged:
            continue
        rows.append({**appeal, "pledged": pledged.quantize(CENT), "delivered": delivered.quantize(CENT)})
    return rows


def donation_totals() -> dict:
    """Everything pledged and delivered in CNY, the number of live pledges and of donors (three queries)."""
    money, goods = _pledge_sums(None)
    counts = Pledge.objects.live().aggregate(pledges=Count("pk"), donors=Count("donor", distinct=True))
    return {
        "pledged_value": (money["pledged"] + goods["pledged"]).quantize(CENT),
        "delivered_value": (money["delivered"] + goods["delivered"]).quantize(CENT),
        **counts,
    }


def pledges_overdue(*, today: date) -> int:
    return Pledge.objects.overdue(today).count()
