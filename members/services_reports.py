"""Filing a status report, whichever door it comes through (web form, API, admin, demo seeding)."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import MaterialCategory, Organisation, StatusReport, StockLevel
from .models_reports import MAX_STOCK_DAYS
from .rules import Actor, require_write
from .signals import status_report_saved

# Days of stock: {category, or its id: days}; both are checked here, the categories against the database.
Stock = Mapping[Any, int | None]

# What a member fills in (the date and the days of stock are arguments of their own).
REPORT_FIELDS = (
    "staff_total",
    "staff_returned",
    "returned_from_high_risk",
    "in_observation",
    "fever_cases",
    "temperature_checks",
    "disinfection_done",
    "capacity_percent",
    "logistics_difficulty",
    "logistics_needs_help",
    "staffing_difficulty",
    "staffing_needs_help",
    "raw_materials_difficulty",
    "raw_materials_needs_help",
    "permits_difficulty",
    "permits_needs_help",
    "other_difficulty",
    "other_needs_help",
)


def _clean_stock(organisation: Organisation, stock: Stock) -> dict[int, int]:
    """{category id: days}, checked: fabs only, IC material categories only, whole days within bounds."""
    if not stock:
        return {}
    if organisation.kind != Organisation.Kind.FAB:
        raise ValidationError({"stock": _("Only fabs report days of stock.")})
    ids = {getattr(key, "pk", key) for key in stock}
    known = set(
        MaterialCategory.objects.filter(pk__in=ids, group=MaterialCategory.Group.MATERIAL).values_list("pk", flat=True)
    )
    cleaned: dict[int, int] = {}
    for key, days in stock.items():
        category_id = getattr(key, "pk", key)
        if category_id not in known:
            raise ValidationError({"stock": _("Days of stock are reported for IC material categories only.")})
        if days is None:
            continue
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_STOCK_DAYS:
            raise ValidationError(
                {"stock": _("Days of stock are whole days from 0 to %(max)d.") % {"max": MAX_STOCK_DAYS}}
            )
        cleaned[category_id] = days
    return cleaned


@transaction.atomic
def status_report_file(
    *,
    actor: Actor,
    organisation: Organisation,
    report_date: date,
    stock: Stock | None = None,
    **fields: Any,
) -> tuple[StatusReport, bool]:
    """Files the organisation's report for a date, or changes the one already filed for it (the history keeps the
    earlier figures). `stock` ({category or id: days}) replaces the report's days of stock; None leaves them.

    Returns (report, created). Sends `members.signals.status_report_saved` in the transaction."""
    require_write(actor, organisation=organisation)
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown report fields: {sorted(unknown)}")
    stock_days = _clean_stock(organisation, stock) if stock is not None else None

    report = StatusReport.objects.select_for_update().filter(organisation=organisation, report_date=report_date).first()
    created = report is None
    if report is None:
        report = StatusReport(organisation=organisation, report_date=report_date)
    for name, value in fields.items():
        setattr(report, name, value)
    report.filed_by = actor.person
    report.filed_by_key = actor.api_key
    report.on_behalf = actor.is_secretariat and actor.organisation_id != organisation.pk
    if report.on_behalf:
        report._change_reason = "filed by the secretariat"
    # The one-per-day rule is this function's to keep (it edits the day's report instead): not a field error.
    report.full_clean(validate_constraints=False, validate_unique=False)
    if created:
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            # Someone filed the same day's report a moment ago: change theirs instead of failing.
            existing = StatusReport.objects.select_for_update().get(organisation=organisation, report_date=report_date)
            report.pk, report.created_at, created = existing.pk, existing.created_at, False
            report._state.adding = False
            report.save()
    else:
        report.save()

    if stock_days is not None:
        _replace_stock(report, stock_days)
    status_report_saved.send(sender=StatusReport, report=report, created=created, actor=actor)
    return report, created


def _replace_stock(report: StatusReport, stock_days: dict[int, int]) -> None:
    current = {level.category_id: level for level in report.stock_levels.all()}
    for category_id, level in current.items():
        if category_id not in stock_days:
            level.delete()  # the history keeps it
    for category_id, days in stock_days.items():
        filed = current.get(category_id)
        if filed is None:
            StockLevel.objects.create(report=report, category_id=category_id, days=days)
        elif filed.days != days:
            filed.days = days
            filed.save(update_fields=["days"])
