"""The dashboard's figures, read from every app. Each family is one aggregate query (or a fixed few) in the
database, so the number of queries does not grow with the number of members, requests, reports or alerts.

Status reports, assistance cases and donations are read in `dashboard.sources`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from members.models import Organisation, RiskArea, RiskLevel
from members.regions import Province
from notices.alerts import delivery_health
from notices.models import Acknowledgement, Notice
from supply.models import Commitment, SupplyRequest, SupplyRequestQuerySet, Urgency

from . import sources

OPEN = SupplyRequestQuerySet.OPEN_STATUSES
# A fab with fewer days of stock than this is at risk of a line stop (shown in red).
AT_RISK_DAYS = 7
HISTORY_DAYS = 30
ALERT_DAYS = 14
# Per-notice acknowledgement figures cover at most this many of the newest notices that ask for one.
ACK_NOTICES = 50
ACK_CHART_NOTICES = 8
# The lowest-stock fabs drawn one bar each; the buckets count all of them.
STOCK_CHART_FABS = 20

PRIORITY_BANDS = [(80, "≥ 80"), (50, "50–79"), (20, "20–49"), (None, "< 20")]
STOCK_BUCKETS = [(2, "0–1"), (4, "2–3"), (AT_RISK_DAYS, "4–6"), (14, "7–13"), (30, "14–29"), (None, "≥ 30")]
RISK_RANKS = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1}
RANK_LEVELS = {rank: level for level, rank in RISK_RANKS.items()}


def today() -> date:
    return timezone.localdate()


def start_of(day: date) -> datetime:
    """Midnight at the start of `day` in the portal's time zone: a range on an indexed timestamp column."""
    return timezone.make_aware(datetime.combine(day, time.min))


def days_back(days: int, *, end: date | None = None) -> list[date]:
    end = end or today()
    return [end - timedelta(days=n) for n in range(days - 1, -1, -1)]


def members() -> QuerySet[Organisation]:
    """The alliance's members for the figures: active organisations, the secretariat itself left out."""
    return Organisation.objects.filter(status=Organisation.Status.ACTIVE).exclude(kind=Organisation.Kind.SECRETARIAT)


# --- supply ------------------------------------------------------------------------------------------------------


def supply_totals() -> dict:
    """Open, critical open and fulfilled requests, in one query."""
    S = SupplyRequest.Status
    return SupplyRequest.objects.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN)),
        critical_open=Count("pk", filter=Q(status__in=OPEN, urgency=Urgency.CRITICAL)),
        fulfilled=Count("pk", filter=Q(status=S.FULFILLED)),
        submitted=Count("pk", filter=~Q(status=S.DRAFT)),
    )


def _band():
    whens = [When(priority__gte=low, then=Value(label)) for low, label in PRIORITY_BANDS if low is not None]
    return Case(*whens, default=Value(PRIORITY_BANDS[-1][1]))


def requests_by_status_and_band() -> dict[tuple[str, str], int]:
    """{(status, priority band): requests}, drafts left out (a fab's own unfinished work)."""
    rows = (
        SupplyRequest.objects.exclude(status=SupplyRequest.Status.DRAFT)
        .values("status", band=_band())
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["status"], row["band"]): row["n"] for row in rows}


def fulfilment_by_day(*, days: int = HISTORY_DAYS) -> list[dict]:
    """Per day: commitments made and commitments delivered (two grouped queries)."""
    span = days_back(days)
    start = span[0]
    made = dict(
        Commitment.objects.filter(created_at__gte=start_of(start))
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("day", "n")
    )
    delivered = dict(
        Commitment.objects.filter(status=Commitment.Status.DELIVERED, delivered_on__gte=start)
        .values("delivered_on")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("delivered_on", "n")
    )
    return [{"date": day, "committed": made.get(day, 0), "delivered": delivered.get(day, 0)} for day in span]


def _fab_days_of_stock():
    """Active fabs annotated with `days`: the fewest days of stock they have reported, from their open requests and
    (once status reports exist) their latest report; None when they have reported none."""
    from_requests = (
        SupplyRequest.objects.filter(organisation=OuterRef("pk"), status__in=OPEN)
        .order_by()
        .values("organisation")
        .annotate(m=Min("days_of_stock"))
        .values("m")
    )
    fabs = Organisation.objects.filter(status=Organisation.Status.ACTIVE, kind=Organisation.Kind.FAB)
    return sources.fab_days_of_stock(fabs, from_requests=Subquery(from_requests[:1], output_field=IntegerField()))


def fab_stock(*, limit: int = STOCK_CHART_FABS) -> list[dict]:
    """The fabs with the fewest days of stock left, fewest first (one query)."""
    rows = (
        _fab_days_of_stock()
        .filter(days__isnull=False)
        .order_by("days", "name_en", "pk")
        .values("pk", "slug", "name_zh", "name_en", "province", "days")[:limit]
    )
    return list(rows)


def stock_buckets() -> dict[str, int]:
    """{bucket label: fabs}, every bucket present. The database counts fabs per days-of-stock value (one query; the
    days expression is evaluated once per fab); the few distinct values are then put into buckets."""
    rows = (
        _fab_days_of_stock()
        .filter(days__isnull=False)
        .values("days")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("days", "n")
    )
    counts = dict.fromkeys((label for _upper, label in STOCK_BUCKETS), 0)
    for days, n in rows:
        label = next(label for upper, label in STOCK_BUCKETS if upper is None or days < upper)
        counts[label] += n
    return counts


def at_risk_buckets() -> list[str]:
    return [label for upper, label in STOCK_BUCKETS if upper is not None and upper <= AT_RISK_DAYS]


# --- provinces ---------------------------------------------------------------------------------------------------


def province_figures() -> dict[str, dict]:
    """Per province: the worst risk level in force in its cities (None: none listed), active members, and open
    critical supply requests delivered there. Three grouped queries, whatever the number of members."""
    rank = Case(
        *[When(level=level, then=Value(n)) for level, n in RISK_RANKS.items()],
        default=Value(1),
        output_field=IntegerField(),
    )
    worst = dict(RiskArea.objects.values("province").annotate(r=Max(rank)).order_by().values_list("province", "r"))
    counts = dict(members().values("province").annotate(n=Count("pk")).order_by().values_list("province", "n"))
    critical = dict(
        SupplyRequest.objects.filter(status__in=OPEN, urgency=Urgency.CRITICAL)
        .values("site__province")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("site__province", "n")
    )
    return {
        code: {
            "risk_level": RANK_LEVELS.get(worst.get(code, 0)),
            "members": counts.get(code, 0),
            "critical_open": critical.get(code, 0),
        }
        for code in Province.values
    }


# --- notices -----------------------------------------------------------------------------------------------------


def _nothing() -> Q:
    # An empty `__in` inside an aggregate's filter can empty the whole query on some backends; this cannot.
    return Q(pk__isnull=True)


def _audience_q(notice: Mapping[str, Any], named: list[int], prefix: str = "") -> Q:
    """notices.selectors.audience_organisations as a filter on organisation fields (behind `prefix`), so the
    audiences of many notices are counted in one query."""
    A = Notice.Audience
    active = Q(**{f"{prefix}status": Organisation.Status.ACTIVE})
    not_secretariat = ~Q(**{f"{prefix}kind": Organisation.Kind.SECRETARIAT})
    kind = notice["audience_kind"]
    if kind == A.ALL:
        return active & not_secretariat
    if kind == A.KINDS:
        return active & Q(**{f"{prefix}kind__in": notice["kinds"]}) if notice["kinds"] else _nothing()
    if kind == A.PROVINCES:
        if not notice["provinces"]:
            return _nothing()
        return active & not_secretariat & Q(**{f"{prefix}province__in": notice["provinces"]})
    if kind == A.ORGANISATIONS:
        return active & Q(**{f"{prefix}pk__in": named}) if named else _nothing()
    return _nothing()


def acknowledgements(*, limit: int = ACK_NOTICES) -> list[dict]:
    """The newest published notices that ask for acknowledgement, newest first, each with its audience (active
    organisations it reaches now) and how many of them have acknowledged. Four queries for any number."""
    notices = list(
        Notice.objects.filter(status=Notice.Status.PUBLISHED, requires_ack=True)
        .order_by("-published_at", "-pk")
        .values("pk", "title_zh", "title_en", "audience_kind", "kinds", "provinces", "published_at")[:limit]
    )
    if not notices:
        return []
    named: dict[int, list[int]] = {notice["pk"]: [] for notice in notices}
    pairs = Notice.organisations.through.objects.filter(notice_id__in=list(named)).values_list(
        "notice_id", "organisation_id"
    )
    for notice_id, organisation_id in pairs:
        named[notice_id].append(organisation_id)
    audience = Organisation.objects.aggregate(
        **{f"n{n['pk']}": Count("pk", filter=_audience_q(n, named[n["pk"]])) for n in notices}
    )
    acknowledged = Acknowledgement.objects.aggregate(
        **{
            f"n{n['pk']}": Count("pk", filter=Q(notice_id=n["pk"]) & _audience_q(n, named[n["pk"]], "organisation__"))
            for n in notices
        }
    )
    rows = []
    for notice in notices:
        size, done = audience[f"n{notice['pk']}"], acknowledged[f"n{notice['pk']}"]
        rows.append({**notice, "audience": size, "acknowledged": done, "rate": (done * 100 // size) if size else 0})
    return rows


# --- alerts ------------------------------------------------------------------------------------------------------


def alert_health(*, days: int = ALERT_DAYS) -> tuple[dict[str, int], list[dict]]:
    """Alerts by status over all time (sending counts as pending), and per day for the last `days`: two queries,
    through the alert pipeline's entry."""
    span = days_back(days)
    totals, per_day = delivery_health(since=start_of(span[0]))
    empty = {"delivered": 0, "pending": 0, "failed": 0}
    return totals, [{"date": day, **per_day.get(day, empty)} for day in span]


# --- everything --------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """Everything the dashboard draws, read once per page."""

    today: date
    members_total: int
    supply: dict
    requests_by_status: dict
    fulfilment: list
    fab_stock: list
    stock_buckets: dict
    provinces: dict
    acknowledgements: list
    alert_totals: dict
    alerts_by_day: list
    reports_today: int
    reports: list
    resumption_by_province: dict
    assistance: dict
    donations: list
    donation_totals: dict
    pledges_overdue: int

    @property
    def fabs_at_risk(self) -> int:
        return sum(self.stock_buckets[label] for label in at_risk_buckets())

    @property
    def notices_unacknowledged(self) -> int:
        """Organisations that still owe an acknowledgement, summed over the notices asking for one."""
        return sum(row["audience"] - row["acknowledged"] for row in self.acknowledgements)


def dashboard_figures(*, days: int = HISTORY_DAYS) -> Figures:
    day = today()
    reports, provinces = sources.report_figures(span=days_back(days, end=day))
    alerts = alert_health()
    return Figures(
        today=day,
        members_total=members().count(),
        supply=supply_totals(),
        requests_by_status=requests_by_status_and_band(),
        fulfilment=fulfilment_by_day(days=days),
        fab_stock=fab_stock(),
        stock_buckets=stock_buckets(),
        provinces=province_figures(),
        acknowledgements=acknowledgements(),
        alert_totals=alerts[0],
        alerts_by_day=alerts[1],
        reports_today=sources.members_reporting(day=day, members=members()),
        reports=reports,
        resumption_by_province=provinces,
        assistance=sources.open_assistance_cases(today=day),
        donations=sources.donations_by_appeal(),
        donation_totals=sources.donation_totals(),
        pledges_overdue=sources.pledges_overdue(today=day),
    )
