"""Reads of status reports that several doors (and other apps) need."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, Max, Prefetch, QuerySet
from django.utils import timezone

from .models import MaterialCategory, Organisation, StatusReport, StockLevel
from .rules import Actor

# Organisations that report: every member but the secretariat itself and partners (liaison offices, platforms).
REPORTING_KINDS = [
    kind for kind in Organisation.Kind.values if kind not in (Organisation.Kind.SECRETARIAT, Organisation.Kind.PARTNER)
]
REPORTING_STATUSES = [Organisation.Status.ACTIVE]


def _with_stock(reports: QuerySet[StatusReport]) -> QuerySet[StatusReport]:
    levels = StockLevel.objects.select_related("category").order_by("category__sort_order", "category__code")
    return reports.select_related("organisation", "filed_by").prefetch_related(
        Prefetch("stock_levels", queryset=levels)
    )


def visible_reports(actor: Actor) -> QuerySet[StatusReport]:
    """The secretariat sees every report; anyone else only its own organisation's (none without one): another
    member's numbers are never in the queryset, so asking for one is a 404."""
    reports = StatusReport.objects.all()
    if not actor.is_secretariat:
        reports = reports.filter(organisation_id=actor.organisation_id) if actor.organisation_id else reports.none()
    return _with_stock(reports).order_by("-report_date", "organisation__name_en", "pk")


def report_for(organisation: Organisation, report_date: date) -> StatusReport | None:
    return _with_stock(StatusReport.objects.filter(organisation=organisation, report_date=report_date)).first()


def previous_report(organisation: Organisation, before: date) -> StatusReport | None:
    """The organisation's latest report before a date: what pre-fills the next one."""
    reports = StatusReport.objects.filter(organisation=organisation, report_date__lt=before)
    return _with_stock(reports).order_by("-report_date").first()


def period_start(today: date | None = None) -> date:
    """The first day of the current reporting period (today, when members report daily)."""
    today = today or timezone.localdate()
    return today - timedelta(days=settings.STATUS_REPORT_PERIOD_DAYS - 1)


def organisations_missing_reports(today: date | None = None) -> QuerySet[Organisation]:
    """Members that should report and have not for the current period, each with `last_report_date` (None if they
    never reported), longest silent first."""
    since = period_start(today)
    reported = StatusReport.objects.filter(report_date__gte=since, report_date__lte=today or timezone.localdate())
    return (
        Organisation.objects.filter(status__in=REPORTING_STATUSES, kind__in=REPORTING_KINDS)
        .exclude(pk__in=reported.values("organisation_id"))
        .annotate(last_report_date=Max("status_reports__report_date"))
        # Never reported (NULL) first on every database: PostgreSQL sorts NULLs last by default, SQLite first.
        .order_by(F("last_report_date").asc(nulls_first=True), "name_en", "pk")
    )


def reported_days_of_stock(organisation_id: int) -> dict[int, tuple[int, date]]:
    """{category id: (days of stock, report date)} from the organisation's latest report that gave any.

    For supply: a fab's reported figure is newer than a request's own `days_of_stock` when its date is after the
    request was last filed or confirmed."""
    row = (
        StatusReport.objects.filter(organisation_id=organisation_id, stock_levels__isnull=False)
        .order_by("-report_date")
        .values("pk", "report_date")
        .first()
    )
    if row is None:
        return {}
    levels = StockLevel.objects.filter(report_id=row["pk"]).values_list("category_id", "days")
    return {category_id: (days, row["report_date"]) for category_id, days in levels}


def latest_report_dates(organisation_ids: Iterable[int]) -> dict[int, date]:
    """{organisation id: date of its latest report}, in one query."""
    rows = (
        StatusReport.objects.filter(organisation_id__in=list(organisation_ids))
        .values("organisation_id")
        .annotate(latest=Max("report_date"))
    )
    return {row["organisation_id"]: row["latest"] for row in rows}


def stock_categories(organisation: Organisation) -> QuerySet[MaterialCategory]:
    """The material categories a fab reports days of stock for: those it consumes, or every IC material when it
    has named none."""
    consumed = organisation.categories_consumed.filter(group=MaterialCategory.Group.MATERIAL)
    if consumed.exists():
        return consumed.order_by("sort_order", "code")
    return MaterialCategory.objects.filter(group=MaterialCategory.Group.MATERIAL).order_by("sort_order", "code")


def has_reported(organisation: Organisation, today: date | None = None) -> bool:
    """Whether the organisation has filed a report for the current period (today, when members report daily)."""
    today = today or timezone.localdate()
    return StatusReport.objects.filter(
        organisation=organisation, report_date__gte=period_start(today), report_date__lte=today
    ).exists()


def reports_expected_from(organisation: Organisation) -> bool:
    return organisation.kind in REPORTING_KINDS and organisation.status in REPORTING_STATUSES
